"""What every repository shares: its collection and the session of the unit of work."""

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

    def _opts(self) -> dict[str, Any]:
        return {"session": self._session}
