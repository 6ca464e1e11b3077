"""The publisher's unit of work: its repositories on the shared unit-of-work base."""

from __future__ import annotations

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import PyMongoError

from newsroom_shared.unit_of_work import MongoUnitOfWork as UnitOfWorkBase
from publisher.adapters.mongo.api_keys import MongoApiKeys
from publisher.adapters.mongo.media import MongoMedia
from publisher.adapters.mongo.newsrooms import MongoNewsrooms
from publisher.adapters.mongo.releases import MongoReleases
from publisher.adapters.mongo.tenants import MongoTenants
from publisher.adapters.mongo.versions import MongoVersions
from publisher.domain.errors import ConcurrentModificationError


class MongoUnitOfWork(UnitOfWorkBase):
    """``async with`` opens a transaction (or, for reads, none) and commits when it ends.

    Given a ``session`` it joins that transaction instead (a consumer's inbox transaction) and
    neither commits nor may be retried: the transaction's owner does both.
    """

    def _bind(self, session: AsyncClientSession | None) -> None:
        self.tenants = MongoTenants(self._db, session)
        self.newsrooms = MongoNewsrooms(self._db, session)
        self.api_keys = MongoApiKeys(self._db, session)
        self.releases = MongoReleases(self._db, session)
        self.versions = MongoVersions(self._db, session)
        self.media = MongoMedia(self._db, session)

    def conflict(self, error: PyMongoError) -> Exception:
        return ConcurrentModificationError(str(error))
