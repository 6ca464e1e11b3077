"""Pytest fixtures shared by every service's tests (registered in the root conftest.py)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Iterator

import pymongo
import pymongo.errors
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


# A schema operation that waits longer than this for the server is a hung server, not a slow one.
SCHEMA_OPERATION_LIMIT_S = 30.0


async def drop_test_database(client: AsyncMongoClient[Document], name: str) -> None:
    """Drop a test's database, first ending every open session on the server.

    The local SecantusDB server stops answering *anything* when a database is dropped while a
    transaction holding writes in it is still open (reproduced 2026-11-26; mongod would abort
    that transaction instead). A test that leaves a transaction behind (an app task still
    running, a client killed mid-way) would hang the whole suite at this drop. Ending all
    sessions aborts such transactions first; it also aborts those of anything else using the
    same server at that moment (e.g. ``./dev up``), which retry. The drop is bounded: should the
    server hang anyway, this test fails and ``server_answers`` stops the run with the reason,
    instead of every later test waiting on it.
    """
    with pymongo.timeout(SCHEMA_OPERATION_LIMIT_S):
        await client.admin.command({"killAllSessions": []})
        await client.drop_database(name)


async def end_sessions_of_departed(
    client: AsyncMongoClient[Document], appname: str, *, timeout_s: float = 30.0
) -> None:
    """Waits until no connection of ``appname`` (a process just SIGKILLed) is left on the
    server, then ends every session there.

    A killed client's last commands may still sit in the server's receive buffer: the server
    runs them after the process died and only then sees the connection close. One of them can
    start a transaction that nobody will ever commit or abort (MongoDB aborts it after its
    transaction lifetime, 60 s). Ending sessions before that connection is gone can miss it;
    ``currentOp`` with ``$all`` lists idle connections with their client metadata, so waiting
    for the application's connections to disappear closes that window.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        report = await client.admin.command({"currentOp": 1, "$all": True})
        present = [
            op
            for op in report.get("inprog", [])
            if (op.get("clientMetadata") or {}).get("application", {}).get("name") == appname
        ]
        if not present or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.05)
    await client.admin.command({"killAllSessions": []})


_server_pings: dict[str, pymongo.MongoClient[Document]] = {}


@pytest.fixture(autouse=True)
def server_answers(request: pytest.FixtureRequest) -> Iterator[None]:
    """Stops the whole run, with the reason, when the MongoDB-protocol server stops answering.

    A hung server would otherwise make every later test wait out its own timeout, one by one,
    for hours. Checked before and after every test that uses the servers: one catalog read each.
    """
    if "infra" not in request.fixturenames:
        yield
        return
    infra: Infra = request.getfixturevalue("infra")
    _ping_or_exit(infra.mongodb_uri, "before", request.node.nodeid)
    yield
    _ping_or_exit(infra.mongodb_uri, "after", request.node.nodeid)


def _ping_or_exit(uri: str, when: str, test: str) -> None:
    client = _server_pings.get(uri)
    if client is None:
        client = _server_pings[uri] = pymongo.MongoClient(
            uri, serverSelectionTimeoutMS=10_000, socketTimeoutMS=20_000
        )
    try:
        # Not ``ping``: a hung local server still answers that, but no longer reads its catalog.
        client.admin.command("listDatabases", nameOnly=True)
        stuck = stuck_operations(client.admin.command({"currentOp": 1, "$all": True}))
    except pymongo.errors.PyMongoError as error:
        pytest.exit(
            f"the MongoDB-protocol server stopped answering ({when} {test}): {error}. "
            "Stopping the run; with the local server, see .local/logs/secantus.log",
            returncode=3,
        )
    if stuck:
        pytest.exit(
            f"the MongoDB-protocol server has operations stuck for over {STUCK_OPERATION_S:g} s "
            f"({when} {test}): {stuck}. Stopping the run; with the local server, see "
            ".local/logs/secantus.log",
            returncode=3,
        )


# No test runs a command this long (the suite's limit per test is 120 s); one that has is stuck
# (a write waiting on a lock that will never be released), and so will every test after it be.
STUCK_OPERATION_S = 90


def stuck_operations(report: Document) -> list[str]:
    """The commands of a ``currentOp`` report that have run ``STUCK_OPERATION_S`` or longer,
    as ``"<op> <namespace> (<seconds> s)"``. Filtered here: not every server applies
    ``currentOp``'s filter arguments."""
    return [
        f"{op.get('op')} {op.get('ns')} ({op['secs_running']} s)"
        for op in report.get("inprog", [])
        if op.get("type", "op") == "op"
        and op.get("active")
        and op.get("op") not in ("hello", "isMaster", "ismaster")  # awaitable: they wait
        and int(op.get("secs_running") or 0) >= STUCK_OPERATION_S
    ]
