"""Pytest fixtures shared by every service's tests (registered in the root conftest.py)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from pymongo import AsyncMongoClient

from newsroom_shared.mongo import Database, Document, make_client
from newsroom_shared.testing.infra import Infra, test_infra


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    with test_infra() as found:
        yield found


@pytest.fixture(scope="session")
def run_id() -> str:
    """Unique per test run: topic and group names carry it, so runs never share state."""
    return uuid.uuid4().hex[:10]


@pytest.fixture
def unique() -> str:
    """Unique per test: for database, topic and consumer group names."""
    return uuid.uuid4().hex[:10]


@pytest.fixture(scope="session")
async def mongo_client(infra: Infra) -> AsyncIterator[AsyncMongoClient[Document]]:
    client = make_client(infra.mongodb_uri)
    yield client
    await client.close()


@pytest.fixture
async def database(
    mongo_client: AsyncMongoClient[Document], unique: str
) -> AsyncIterator[Database]:
    """A fresh database for one test, dropped afterwards."""
    name = f"test_{unique}"
    yield mongo_client[name]
    await mongo_client.drop_database(name)
