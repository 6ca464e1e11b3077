"""What every repository shares: its collection and the session of the unit of work."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, ClassVar, TypeVar

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection

from newsroom_shared.mongo import Database, Document

T = TypeVar("T")


# Values per ``$in``: on SecantusDB (the local server) an ``$in`` costs about the square of its
# length (see the outbox's MARK_SENT_CHUNK), so long lists go in chunks of this many.
IN_CHUNK = 16


def chunks(values: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    return (values[i : i + size] for i in range(0, len(values), size))


class Repository:
    COLLECTION: ClassVar[str]

    def __init__(self, db: Database, session: AsyncClientSession | None = None) -> None:
        self._collection: AsyncCollection[Document] = db[self.COLLECTION]
        self._session = session

    async def _find(
        self, query: Document, *, limit: int = 0, projection: Document | None = None
    ) -> list[Document]:
        cursor = self._collection.find(query, projection, session=self._session, limit=limit)
        return [document async for document in cursor]

    async def _find_in(
        self,
        field: str,
        values: Sequence[Any],
        query: Document,
        projection: Document | None = None,
    ) -> list[Document]:
        """``query`` with ``field`` in ``values``, one query per :data:`IN_CHUNK` values
        (``field`` goes first in the filter: the local server plans by the first field)."""
        found: list[Document] = []
        for chunk in chunks(values):
            found += await self._find({field: {"$in": list(chunk)}, **query}, projection=projection)
        return found
