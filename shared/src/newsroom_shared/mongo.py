"""MongoDB access through PyMongo's async API (motor is deprecated, see design.md)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern

Document = dict[str, Any]
Database = AsyncDatabase[Document]
T = TypeVar("T")
TRANSACTION_ATTEMPTS = 5


def make_client(uri: str, **options: Any) -> AsyncMongoClient[Document]:
    """A client that returns timezone-aware datetimes (every stored time is UTC)."""
    return AsyncMongoClient(uri, tz_aware=True, **options)


@asynccontextmanager
async def transaction(client: AsyncMongoClient[Document]) -> AsyncIterator[AsyncClientSession]:
    """One multi-document transaction: commits when the block ends, aborts when it raises."""
    async with (
        client.start_session() as session,
        await session.start_transaction(
            read_concern=ReadConcern("snapshot"), write_concern=WriteConcern("majority")
        ),
    ):
        yield session


def is_transient(error: PyMongoError) -> bool:
    """A transaction that lost a write conflict (or a failover) and can simply run again."""
    return error.has_error_label("TransientTransactionError")


async def in_transaction(
    client: AsyncMongoClient[Document],
    work: Callable[[AsyncClientSession], Awaitable[T]],
    attempts: int = TRANSACTION_ATTEMPTS,
) -> T:
    """Run ``work`` in a transaction, again from the start when the transaction is transient.

    ``work`` must read what it needs inside the transaction, so a rerun sees the winner's write.
    """
    for attempt in range(1, attempts + 1):
        try:
            async with transaction(client) as session:
                return await work(session)
        except PyMongoError as error:
            if attempt == attempts or not is_transient(error):
                raise
    raise AssertionError("unreachable")


def without_id(document: Mapping[str, Any]) -> Document:
    return {k: v for k, v in document.items() if k != "_id"}
