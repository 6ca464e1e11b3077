"""Dropping a test database survives a transaction left open in it (see drop_test_database)."""

from __future__ import annotations

import pytest
from pymongo import AsyncMongoClient

from newsroom_shared.mongo import Document, make_client
from newsroom_testing.fixtures import drop_test_database
from newsroom_testing.infra import Infra

pytestmark = pytest.mark.connected


async def test_a_database_with_an_abandoned_transaction_is_dropped(
    infra: Infra, mongo_client: AsyncMongoClient[Document], unique: str
) -> None:
    name = f"test_abandoned_{unique}"
    await mongo_client[name].things.insert_many([{"_id": n} for n in range(3)])
    abandoned = make_client(infra.mongodb_uri)
    session = abandoned.start_session()
    await session.start_transaction()
    await abandoned[name].things.update_one({"_id": 1}, {"$set": {"x": 1}}, session=session)

    await drop_test_database(mongo_client, name)  # on the local server a plain drop hangs here

    assert name not in await mongo_client.list_database_names()
    await mongo_client[f"{name}_after"].things.insert_one({"ok": True})  # the server answers
    await mongo_client.drop_database(f"{name}_after")
    await abandoned.close()
