"""The media unit of work: its repositories on the shared unit-of-work base."""

from __future__ import annotations

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import PyMongoError

from media.adapters.mongo.galleries import MongoGalleries
from media.adapters.mongo.items import MongoItems
from media.adapters.mongo.logos import MongoLogos
from media.adapters.mongo.releases import MongoReleases
from media.adapters.mongo.resumable import MongoResumableUploads
from media.adapters.mongo.usage import MongoUsage
from media.domain.errors import ConcurrentModificationError
from newsroom_shared.unit_of_work import MongoUnitOfWork as UnitOfWorkBase


class MongoUnitOfWork(UnitOfWorkBase):
    def _bind(self, session: AsyncClientSession | None) -> None:
        self.media = MongoItems(self._db, session)
        self.usage = MongoUsage(self._db, session)
        self.releases = MongoReleases(self._db, session)
        self.logos = MongoLogos(self._db, session)
        self.galleries = MongoGalleries(self._db, session)
        self.resumable = MongoResumableUploads(self._db, session)

    def conflict(self, error: PyMongoError) -> Exception:
        return ConcurrentModificationError(str(error))
