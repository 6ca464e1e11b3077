"""What every service's MongoDB repositories share: their collection and the session of the
unit of work they run in (None: each command on its own). Each service's
``adapters/mongo/base.py`` re-exports it."""

from __future__ import annotations

from typing import Any, ClassVar

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection

from newsroom_shared.mongo import Database, Document


class Repository:
    COLLECTION: ClassVar[str]

    def __init__(self, db: Database, session: AsyncClientSession | None = None) -> None:
        self._collection: AsyncCollection[Document] = db[self.COLLECTION]
        self._session = session

    async def _find_one(self, query: Document) -> Document | None:
        return await self._collection.find_one(query, session=self._session)

    async def _find(
        self, query: Document, *, sort: list[tuple[str, int]], limit: int
    ) -> list[Document]:
        cursor = self._collection.find(query, session=self._session).sort(sort).limit(limit)
        return [document async for document in cursor]

    def _opts(self) -> dict[str, Any]:
        return {"session": self._session}
