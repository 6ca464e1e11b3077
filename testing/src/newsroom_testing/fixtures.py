"""Pytest fixtures shared by every service's tests (registered in the root conftest.py)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from pymongo import AsyncMongoClient

from newsroom_shared.mongo import Database, Document, make_client
from newsroom_testing.infra import Infra, test_infra


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
    await drop_test_database(mongo_client, name)


async def drop_test_database(client: AsyncMongoClient[Document], name: str) -> None:
    """Drop a test's database, first ending every open session on the server.

    The local SecantusDB server stops answering *anything* when a database is dropped while a
    transaction holding writes in it is still open (reproduced 2026-11-26; mongod would abort
    that transaction instead). A test that leaves a transaction behind (an app task still
    running, a client killed mid-way) would hang the whole suite at this drop. Ending all
    sessions aborts such transactions first; it also aborts those of anything else using the
    same server at that moment (e.g. ``./dev up``), which retry.
    """
    await client.admin.command({"killAllSessions": []})
    await client.drop_database(name)
