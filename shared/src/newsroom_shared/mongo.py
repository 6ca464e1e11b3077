"""MongoDB access through PyMongo's async API (motor is deprecated, see design.md)."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure, PyMongoError
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern

Document = dict[str, Any]
Database = AsyncDatabase[Document]
T = TypeVar("T")

TRANSACTION_ATTEMPTS = 5
COMMIT_RETRY_S = 120.0
"""How long a commit with an unknown result is retried: PyMongo's ``with_transaction`` limit."""
_BACKOFF_INITIAL_S = 0.005
_BACKOFF_MAX_S = 1.0
_MAX_TIME_MS_EXPIRED = 50

TRANSIENT = "TransientTransactionError"
UNKNOWN_COMMIT = "UnknownTransactionCommitResult"

logger = logging.getLogger(__name__)

CommitHook = Callable[[], None]
# What to do once each open transaction (by its session) has committed: see on_commit().
_COMMIT_HOOKS: WeakKeyDictionary[AsyncClientSession, list[CommitHook]] = WeakKeyDictionary()


def make_client(uri: str, **options: Any) -> AsyncMongoClient[Document]:
    """A client that returns timezone-aware datetimes (every stored time is UTC)."""
    return AsyncMongoClient(uri, tz_aware=True, **options)


def is_transient(error: PyMongoError) -> bool:
    """A transaction that lost a write conflict (or a failover) and can simply run again."""
    return error.has_error_label(TRANSIENT)


def _commit_unknown(error: PyMongoError) -> bool:
    """The commit may or may not have applied (a network error or failover during it): sending
    it again is safe, MongoDB applies a transaction's commit once. Not when the server gave up on
    the commit's own time limit (PyMongo's ``with_transaction`` makes the same exception)."""
    timed_out = isinstance(error, OperationFailure) and error.code == _MAX_TIME_MS_EXPIRED
    return error.has_error_label(UNKNOWN_COMMIT) and not timed_out


async def commit(session: AsyncClientSession, retry_for_s: float = COMMIT_RETRY_S) -> None:
    """Commit the session's transaction, again while its result is unknown.

    Without this, a commit that did apply but whose answer was lost would be reported as a
    failure, and its caller would redo work that is already done (send an email twice)."""
    deadline = time.monotonic() + retry_for_s
    while True:
        try:
            await session.commit_transaction()
            return
        except PyMongoError as error:
            if not _commit_unknown(error) or time.monotonic() >= deadline:
                raise


@asynccontextmanager
async def transaction(client: AsyncMongoClient[Document]) -> AsyncIterator[AsyncClientSession]:
    """One multi-document transaction: committed (see :func:`commit`) when the block ends,
    aborted when it raises. A transient error still surfaces: :func:`in_transaction` reruns."""
    async with client.start_session() as session:
        await session.start_transaction(
            read_concern=ReadConcern("snapshot"), write_concern=WriteConcern("majority")
        )
        hooks: list[CommitHook] = []
        _COMMIT_HOOKS[session] = hooks
        try:
            try:
                yield session
            except BaseException:
                if session.in_transaction:
                    await session.abort_transaction()
                raise
            await commit(session)
        finally:
            del _COMMIT_HOOKS[session]
        _run_commit_hooks(hooks)


def on_commit(session: AsyncClientSession, hook: CommitHook) -> None:
    """Call ``hook`` once the transaction ``session`` is in (opened by :func:`transaction`)
    has committed; never when it aborts (a rerun of the transaction registers its own).

    For what may only happen to committed state, in this process, at once (hand work a
    transaction stored to a worker here): unlike an outbox event it is lost with the process,
    so the state itself must let others find the work too."""
    hooks = _COMMIT_HOOKS.get(session)
    if hooks is None:
        raise RuntimeError("on_commit needs a session in a transaction opened by transaction()")
    hooks.append(hook)


def _run_commit_hooks(hooks: list[CommitHook]) -> None:
    """The transaction committed: a failing hook is logged, never reported as the
    transaction's failure (its caller would run committed work again)."""
    for hook in hooks:
        try:
            hook()
        except Exception:
            logger.exception("a hook after a commit failed")


async def in_transaction(
    client: AsyncMongoClient[Document],
    work: Callable[[AsyncClientSession], Awaitable[T]],
    attempts: int = TRANSACTION_ATTEMPTS,
) -> T:
    """Run ``work`` in a transaction, again from the start when the transaction is transient
    (a write conflict, a failover), after a short jittered backoff as PyMongo does.

    ``work`` must read what it needs inside the transaction, so a rerun sees the winner's write.
    """
    for attempt in range(1, attempts + 1):
        try:
            async with transaction(client) as session:
                return await work(session)
        except PyMongoError as error:
            if attempt == attempts or not is_transient(error):
                raise
        await asyncio.sleep(transient_backoff_s(attempt))
    raise AssertionError("unreachable")


def transient_backoff_s(attempt: int) -> float:
    """Jittered exponential backoff before rerunning a transaction that lost a conflict."""
    return random.random() * min(_BACKOFF_INITIAL_S * 1.5**attempt, _BACKOFF_MAX_S)


def without_id(document: Mapping[str, Any]) -> Document:
    return {k: v for k, v in document.items() if k != "_id"}
