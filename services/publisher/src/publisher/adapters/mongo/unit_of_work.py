"""The publisher's unit of work: its repositories on the shared unit-of-work base."""

from __future__ import annotations

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import PyMongoError

from newsroom_shared.page_versions import PageVersionedUnitOfWork
from publisher.adapters.mongo.api_keys import MongoApiKeys
from publisher.adapters.mongo.galleries import MongoGalleries
from publisher.adapters.mongo.media import MongoMedia
from publisher.adapters.mongo.newsrooms import MongoNewsrooms
from publisher.adapters.mongo.releases import MongoReleases
from publisher.adapters.mongo.tenants import MongoTenants
from publisher.adapters.mongo.versions import MongoVersions
from publisher.domain.errors import ConcurrentModificationError


class MongoUnitOfWork(PageVersionedUnitOfWork):
    """``async with`` opens a transaction (or, for reads, none) and commits when it ends.

    Given a ``session`` it joins that transaction instead (a consumer's inbox transaction) and
    neither commits nor may be retried: the transaction's owner does both.

    A write that changes what a public page shows raises its tenant's page version in the same
    transaction (``page_versions``, one version per tenant), so a rendered page is known
    stale exactly when it is.
    """

    def _bind(self, session: AsyncClientSession | None) -> None:
        pages = self._fresh_pages()
        self.tenants = MongoTenants(self._db, session)
        self.newsrooms = MongoNewsrooms(self._db, session, pages)
        self.api_keys = MongoApiKeys(self._db, session)
        self.releases = MongoReleases(self._db, session, pages)
        self.versions = MongoVersions(self._db, session)
        self.media = MongoMedia(self._db, session, pages)
        self.galleries = MongoGalleries(self._db, session, pages)

    def conflict(self, error: PyMongoError) -> Exception:
        return ConcurrentModificationError(str(error))
