"""MongoDB access through PyMongo's async API (motor is deprecated, see design.md)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern

Document = dict[str, Any]
Database = AsyncDatabase[Document]


def make_client(uri: str, **options: Any) -> AsyncMongoClient[Document]:
    """A client that returns timezone-aware datetimes (every stored time is UTC)."""
    return AsyncMongoClient(uri, tz_aware=True, **options)


@asynccontextmanager
async def transaction(client: AsyncMongoClient[Document]) -> AsyncIterator[AsyncClientSession]:
    """One multi-document transaction: commits when the block ends, aborts when it raises."""
    async with client.start_session() as session, await session.start_transaction(
        read_concern=ReadConcern("snapshot"), write_concern=WriteConcern("majority")
    ):
        yield session


def without_id(document: Mapping[str, Any]) -> Document:
    return {k: v for k, v in document.items() if k != "_id"}
