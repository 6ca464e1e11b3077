"""What every repository shares: its collection and the session of the unit of work."""

from __future__ import annotations

from typing import ClassVar

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection

from newsroom_shared.mongo import Database, Document

# ``_find`` reads the whole result into a list anyway: ask for it in one reply (each reply is
# still at most 16 MiB) instead of the server's default first batch of 101 documents and a
# getMore for the rest, a round trip saved on every read of a claim's 500 deliveries.
WHOLE_RESULT = 10_000


class Repository:
    COLLECTION: ClassVar[str]

    def __init__(self, db: Database, session: AsyncClientSession | None = None) -> None:
        self._collection: AsyncCollection[Document] = db[self.COLLECTION]
        self._session = session

    async def _find(
        self, query: Document, *, limit: int = 0, projection: Document | None = None
    ) -> list[Document]:
        cursor = self._collection.find(
            query,
            projection,
            session=self._session,
            limit=limit,
            batch_size=min(limit, WHOLE_RESULT) if limit else WHOLE_RESULT,
        )
        return [document async for document in cursor]
