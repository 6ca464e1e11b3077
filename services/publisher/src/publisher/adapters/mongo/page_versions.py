"""Collection ``page_versions``: one document per tenant, ``{_id: tenant, version, changed_at}``,
raised in the transaction of every write that changes what a public page shows. Each replica
polls the recent ones to know when a page it keeps rendered is out of date (``page_cache``).

Why a version per tenant rather than per page: one write (a release, a newsroom's look, a
media item's description) changes several pages at once (the release, the home page, feeds,
tag and archive pages, the sitemap), and a tenant's pages change rarely; the price of the
coarse key is re-rendering a tenant's other pages after a change, which a first view pays.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pymongo import UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession

from newsroom_shared.mongo import Database
from publisher.adapters.mongo.base import Repository


class PageChanges:
    """The tenants whose public pages a unit of work changed (repositories note them)."""

    def __init__(self) -> None:
        self.tenants: set[str] = set()

    def note(self, tenant_id: str) -> None:
        self.tenants.add(tenant_id)


class PageWriter(Repository):
    """A repository whose writes can change public pages: it notes their tenants in the unit
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
    COLLECTION = "page_versions"

    async def bump(self, tenant_ids: Iterable[str]) -> None:
        """Raise each tenant's version; in the caller's transaction (one command)."""
        raises = [
            UpdateOne(
                {"_id": tenant_id},
                {"$inc": {"version": 1}, "$currentDate": {"changed_at": True}},
                upsert=True,
            )
            for tenant_id in sorted(tenant_ids)  # one order for all writers: fewer conflicts
        ]
        if raises:
            await self._collection.bulk_write(raises, ordered=True, **self._opts())

    async def changed_since(self, since: datetime) -> dict[str, int]:
        """The versions of the tenants changed at ``since`` or later (by the server's clock)."""
        query = {"changed_at": {"$gte": since}}
        cursor = self._collection.find(query, {"version": 1}, **self._opts())
        return {document["_id"]: int(document["version"]) async for document in cursor}
