"""The publisher's unit of work: its repositories on the shared unit-of-work base."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import PyMongoError

from newsroom_shared.unit_of_work import MongoUnitOfWork as UnitOfWorkBase
from publisher.adapters.mongo.api_keys import MongoApiKeys
from publisher.adapters.mongo.galleries import MongoGalleries
from publisher.adapters.mongo.media import MongoMedia
from publisher.adapters.mongo.newsrooms import MongoNewsrooms
from publisher.adapters.mongo.page_versions import MongoPageVersions, PageChanges
from publisher.adapters.mongo.releases import MongoReleases
from publisher.adapters.mongo.tenants import MongoTenants
from publisher.adapters.mongo.versions import MongoVersions
from publisher.domain.errors import ConcurrentModificationError

# Told, after a commit of its own, which tenants' public pages changed (this process's page
# cache drops them at once; other replicas learn from ``page_versions`` within a poll).
PagesChanged = Callable[[set[str]], None]


class MongoUnitOfWork(UnitOfWorkBase):
    """``async with`` opens a transaction (or, for reads, none) and commits when it ends.

    Given a ``session`` it joins that transaction instead (a consumer's inbox transaction) and
    neither commits nor may be retried: the transaction's owner does both.

    A write that changes what a public page shows raises its tenant's page version in the same
    transaction (``page_versions``), so a rendered page is known stale exactly when it is.
    """

    def __init__(
        self, *args: Any, pages_changed: PagesChanged | None = None, **kwargs: Any
    ) -> None:
        self._pages = PageChanges()
        self._pages_changed = pages_changed
        super().__init__(*args, **kwargs)

    def _bind(self, session: AsyncClientSession | None) -> None:
        self._pages = PageChanges()
        self.tenants = MongoTenants(self._db, session)
        self.newsrooms = MongoNewsrooms(self._db, session, self._pages)
        self.api_keys = MongoApiKeys(self._db, session)
        self.releases = MongoReleases(self._db, session, self._pages)
        self.versions = MongoVersions(self._db, session)
        self.media = MongoMedia(self._db, session, self._pages)
        self.galleries = MongoGalleries(self._db, session, self._pages)

    async def flush(self) -> None:
        await super().flush()
        if self._pages.tenants and self._session is not None:
            await MongoPageVersions(self._db, self._session).bump(self._pages.tenants)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        changed = self._pages.tenants
        owner = self._joined is None  # a joined transaction commits later, in its owner
        await super().__aexit__(exc_type, exc, tb)  # rebinds: a fresh PageChanges
        if exc is None and owner and changed and self._pages_changed is not None:
            self._pages_changed(set(changed))

    def conflict(self, error: PyMongoError) -> Exception:
        return ConcurrentModificationError(str(error))
