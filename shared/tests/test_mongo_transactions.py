"""Transactions: a commit whose result is unknown is sent again, a transient one reruns; hooks
registered with ``on_commit`` run after a commit only."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import OperationFailure, PyMongoError

from newsroom_shared.mongo import (
    UNKNOWN_COMMIT,
    Database,
    commit,
    in_transaction,
    on_commit,
    transaction,
)


class LosesCommitAnswers:
    """A session whose first ``failures`` commits apply on the server but answer with an
    UnknownTransactionCommitResult, as when the connection drops after the server committed."""

    def __init__(self, session: AsyncClientSession, failures: int, error: PyMongoError) -> None:
        self._session = session
        self._failures = failures
        self._error = error
        self.commits = 0

    async def commit_transaction(self) -> None:
        self.commits += 1
        await self._session.commit_transaction()
        if self.commits <= self._failures:
            raise self._error

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


def unknown_result(code: int | None = None) -> PyMongoError:
    return OperationFailure("connection lost", code=code, details={"errorLabels": [UNKNOWN_COMMIT]})


@pytest.mark.connected
async def test_a_commit_with_an_unknown_result_is_sent_again_and_applies_once(
    database: Database,
) -> None:
    await database.create_collection("things")
    async with database.client.start_session() as session:
        await session.start_transaction()
        await database.things.insert_one({"_id": 1}, session=session)
        flaky = LosesCommitAnswers(session, failures=2, error=unknown_result())
        await commit(flaky)  # type: ignore[arg-type]
    assert flaky.commits == 3
    assert await database.things.count_documents({}) == 1


@pytest.mark.connected
async def test_a_commit_that_ran_out_of_time_is_not_retried(database: Database) -> None:
    await database.create_collection("things")
    async with database.client.start_session() as session:
        await session.start_transaction()
        await database.things.insert_one({"_id": 1}, session=session)
        flaky = LosesCommitAnswers(session, failures=1, error=unknown_result(code=50))
        with pytest.raises(OperationFailure):
            await commit(flaky)  # type: ignore[arg-type]
    assert flaky.commits == 1


@pytest.mark.connected
async def test_an_error_in_the_block_aborts_the_transaction(database: Database) -> None:
    await database.create_collection("things")

    async def fail_after_a_write() -> None:
        async with transaction(database.client) as session:
            await database.things.insert_one({"_id": 1}, session=session)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await fail_after_a_write()
    assert await database.things.count_documents({}) == 0


@pytest.mark.connected
async def test_a_transient_error_reruns_the_work(database: Database) -> None:
    await database.create_collection("things")
    runs = 0

    async def work(session: AsyncClientSession) -> int:
        nonlocal runs
        runs += 1
        await database.things.insert_one({"_id": runs}, session=session)
        if runs == 1:
            raise OperationFailure(
                "write conflict", details={"errorLabels": ["TransientTransactionError"]}
            )
        return runs

    assert await in_transaction(database.client, work) == 2
    assert [doc["_id"] async for doc in database.things.find()] == [2]


@pytest.mark.connected
async def test_commit_hooks_run_after_the_commit_of_their_own_attempt_only(
    database: Database,
) -> None:
    await database.create_collection("things")
    seen: list[int] = []  # the attempts whose hook ran
    runs = 0

    async def work(session: AsyncClientSession) -> None:
        nonlocal runs
        runs += 1
        attempt = runs
        await database.things.insert_one({"_id": attempt}, session=session)

        on_commit(session, lambda: seen.append(attempt))
        if attempt == 1:
            raise OperationFailure(
                "write conflict", details={"errorLabels": ["TransientTransactionError"]}
            )

    await in_transaction(database.client, work)
    assert seen == [2]  # the aborted first attempt's hook never ran
    assert await database.things.count_documents({}) == 1


@pytest.mark.connected
async def test_a_failing_commit_hook_does_not_fail_the_committed_transaction(
    database: Database,
) -> None:
    await database.create_collection("things")
    later: list[str] = []

    def broken() -> None:
        raise RuntimeError("a bug in a hook")

    async with transaction(database.client) as session:
        await database.things.insert_one({"_id": 1}, session=session)
        on_commit(session, broken)
        on_commit(session, lambda: later.append("ran"))
    assert later == ["ran"]
    assert await database.things.count_documents({}) == 1


@pytest.mark.connected
async def test_on_commit_refuses_a_session_outside_a_transaction(database: Database) -> None:
    async with database.client.start_session() as session:
        with pytest.raises(RuntimeError):
            on_commit(session, lambda: None)
