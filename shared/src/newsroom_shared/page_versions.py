"""Collection ``page_versions`` (in each service's own database): one document per scope of
public pages, ``{_id: version key, tenant_id, version, changed_at}``, raised in the transaction
of every write that changes what a page of that scope shows. Each replica polls the recent ones
to know when a page it keeps rendered is out of date (:mod:`newsroom_shared.page_generations`,
:mod:`newsroom_shared.http.page_cache`).

The scope is the service's choice. The publisher keeps one per tenant: one write (a release, a
newsroom's look, a media item's description) changes several pages at once (the release, the
home page, feeds, tag and archive pages, the sitemap), and a tenant's pages change rarely; the
price of the coarse key is re-rendering a tenant's other pages after a change, which a first
view pays. Comments keeps one per release (a comment changes one thread; a version per tenant
would drop every thread of a busy tenant on every comment). Either way the poll is one
``find`` on ``changed_at`` a second per replica, returning the scopes changed lately.

Repositories whose writes change pages note them (:class:`PageWriter`); a unit of work built on
:class:`PageVersionedUnitOfWork` raises the noted versions in its transaction and, once it
committed, tells this process's cache at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol

from pymongo import ASCENDING, IndexModel, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession

from newsroom_shared.mongo import Database
from newsroom_shared.page_generations import PageGenerations, version_key
from newsroom_shared.repository import Repository
from newsroom_shared.unit_of_work import MongoUnitOfWork

COLLECTION = "page_versions"
# The poll's index (it reads across tenants, as an outbox relay does).
INDEXES = [IndexModel([("changed_at", ASCENDING)], name="changed_at")]

# Told, after a commit of its own, which versions moved (this process's page cache drops
# their pages at once; other replicas learn from ``page_versions`` within a poll).
PagesChanged = Callable[[set[str]], None]


class PageChanges:
    """The scopes whose public pages a unit of work changed (repositories note them)."""

    def __init__(self) -> None:
        self.scopes: dict[str, str] = {}  # version key -> its tenant

    def note(self, tenant_id: str, part: str = "") -> None:
        """The tenant's pages as a whole changed, or (``part``) the pages of one part of them."""
        self.scopes[version_key(tenant_id, part)] = tenant_id


class PageWriter(Repository):
    """A repository whose writes can change public pages: it notes their scopes in the unit
    of work's :class:`PageChanges` (a private one when used alone)."""

    def __init__(
        self,
        db: Database,
        session: AsyncClientSession | None = None,
        pages: PageChanges | None = None,
    ) -> None:
        super().__init__(db, session)
        self._pages = pages or PageChanges()


class MongoPageVersions(Repository):
    COLLECTION = COLLECTION

    async def bump(self, scopes: Mapping[str, str]) -> None:
        """Raise each scope's version (key -> tenant); in the caller's transaction (one command)."""
        raises = [
            UpdateOne(
                {"_id": key},
                {
                    "$inc": {"version": 1},
                    "$currentDate": {"changed_at": True},
                    "$set": {"tenant_id": scopes[key]},
                },
                upsert=True,
            )
            for key in sorted(scopes)  # one order for all writers: fewer conflicts
        ]
        if raises:
            await self._collection.bulk_write(raises, ordered=True, **self._opts())

    async def changed_since(self, since: datetime) -> dict[str, int]:
        """The versions of the scopes changed at ``since`` or later (by the server's clock)."""
        query = {"changed_at": {"$gte": since}}
        cursor = self._collection.find(query, {"version": 1}, **self._opts())
        return {document["_id"]: int(document["version"]) async for document in cursor}


class PageVersionedUnitOfWork(MongoUnitOfWork):
    """A unit of work whose writes may change public pages: a subclass's ``_bind`` gives its
    page writers :meth:`_fresh_pages`; the versions they noted are raised in the transaction
    (in :meth:`flush`, so a joined unit of work raises them in its owner's transaction), and
    after a commit of its own ``pages_changed`` is told (a joined one leaves that to the poll).
    """

    def __init__(
        self, *args: Any, pages_changed: PagesChanged | None = None, **kwargs: Any
    ) -> None:
        self._pages = PageChanges()
        self._pages_changed = pages_changed
        super().__init__(*args, **kwargs)

    def _fresh_pages(self) -> PageChanges:
        """A new record of changed pages (each transaction, each retry, starts empty)."""
        self._pages = PageChanges()
        return self._pages

    async def flush(self) -> None:
        await super().flush()
        if self._pages.scopes and self._session is not None:
            await MongoPageVersions(self._db, self._session).bump(self._pages.scopes)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        changed = set(self._pages.scopes)
        owner = self._joined is None  # a joined transaction commits later, in its owner
        await super().__aexit__(exc_type, exc, tb)  # rebinds: a fresh PageChanges
        if exc is None and owner and changed and self._pages_changed is not None:
            self._pages_changed(changed)


class PageCacheSettings(Protocol):
    """The settings of a service's page cache (each service declares them with its own
    descriptions: what its pages are)."""

    page_cache_max_bytes: int
    page_cache_poll_interval_s: float
    page_cache_overlap_s: float


def page_generations_for(settings: PageCacheSettings, db: Database) -> PageGenerations | None:
    """This replica's poll of the changed page versions; ``None`` when the cache is off."""
    if not settings.page_cache_max_bytes:
        return None
    return PageGenerations(
        MongoPageVersions(db),
        poll_interval_s=settings.page_cache_poll_interval_s,
        overlap_s=settings.page_cache_overlap_s,
    )
