"""Collection ``releases``.

Indexes (see ``indexes.py``) start with ``tenant_id``, except the scheduler's
``(status, due_at)``: due work is found across tenants by design, then each release is handled
under its own tenant id.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from newsroom_shared.mongo import Document
from newsroom_shared.page_versions import PageWriter
from publisher.adapters.mongo import release_archive
from publisher.adapters.mongo.newsrooms import MongoNewsrooms, newsroom_of
from publisher.adapters.mongo.release_documents import release_document, release_of
from publisher.domain.archive import MonthCount, Period, TagCount
from publisher.domain.errors import AlreadyExistsError, ConcurrentModificationError
from publisher.domain.newsroom import Newsroom
from publisher.domain.release import Release
from publisher.domain.workflow import Status
from publisher.service.ports import DueRelease, PublicPosition, ReleaseFilter

NEWEST_FIRST = [("_id", DESCENDING)]
PUBLIC_ORDER = [("published_at", DESCENDING), ("_id", DESCENDING)]
DUE_STATUSES = [str(Status.SCHEDULED), str(Status.EMBARGOED)]
# A release in one of these is on public pages (withdrawn: its notice, and gone from listings).
ON_PUBLIC_PAGES = frozenset({Status.PUBLISHED, Status.WITHDRAWN})


def _filter(tenant_id: str, where: ReleaseFilter) -> Document:
    query: Document = {"tenant_id": tenant_id}
    if where.newsroom_id is not None:
        query["newsroom_id"] = where.newsroom_id
    if where.status is not None:
        query["status"] = str(where.status)
    if where.tag is not None:
        query["tags"] = where.tag.lower()
    if where.language is not None:
        query["language"] = where.language
    published: Document = {}
    if where.published_from is not None:
        published["$gte"] = where.published_from
    if where.published_to is not None:
        published["$lt"] = where.published_to
    if published:
        query["published_at"] = published
    return query


class MongoReleases(PageWriter):
    COLLECTION = "releases"

    def _changed(self, release: Release) -> None:
        if release.status in ON_PUBLIC_PAGES:
            self._pages.note(release.tenant_id)

    async def add(self, release: Release) -> None:
        self._changed(release)
        try:
            await self._collection.insert_one(release_document(release), **self._opts())
        except DuplicateKeyError as error:
            # The slug was free when we looked: another writer just took it. Retry picks anew.
            raise ConcurrentModificationError(f"slug {release.slug!r} just taken") from error

    async def get(self, tenant_id: str, release_id: str) -> Release | None:
        found = await self._find_one({"_id": release_id, "tenant_id": tenant_id})
        return None if found is None else release_of(found)

    async def get_with_newsroom(
        self, tenant_id: str, release_id: str
    ) -> tuple[Release, Newsroom | None] | None:
        """The release and its newsroom (the tenant's) in one command: a command on a
        release needs both, and the newsroom's id is the release's."""
        pipeline: list[Document] = [
            {"$match": {"_id": release_id, "tenant_id": tenant_id}},
            {
                "$lookup": {
                    # Equality on the newsroom's _id (MongoDB 5.0's form), within the tenant.
                    "from": MongoNewsrooms.COLLECTION,
                    "localField": "newsroom_id",
                    "foreignField": "_id",
                    "pipeline": [{"$match": {"tenant_id": tenant_id}}],
                    "as": "release_newsroom",
                }
            },
        ]
        rows = await (await self._collection.aggregate(pipeline, **self._opts())).to_list()
        if not rows:
            return None
        newsrooms = rows[0].pop("release_newsroom")
        return release_of(rows[0]), newsroom_of(newsrooms[0]) if newsrooms else None

    async def save(self, release: Release, *, expected_version: int) -> None:
        unchanged = {"_id": release.id, "tenant_id": release.tenant_id, "version": expected_version}
        self._changed(release)
        # Every field but the translation group, which only set_translation_group writes: it
        # makes no version, so a save from an older read must not undo a link made meanwhile.
        fields = release_document(release)
        for kept in ("_id", "translation_group"):
            fields.pop(kept, None)
        try:
            result = await self._collection.update_one(unchanged, {"$set": fields}, **self._opts())
        except DuplicateKeyError as error:
            raise ConcurrentModificationError(f"slug {release.slug!r} just taken") from error
        if result.matched_count != 1:
            raise ConcurrentModificationError(f"release {release.id} changed meanwhile")

    async def set_translation_group(
        self, tenant_id: str, release_id: str, group: str | None
    ) -> None:
        change = (
            {"$set": {"translation_group": group}}
            if group
            else {"$unset": {"translation_group": ""}}
        )
        self._pages.note(tenant_id)  # a published release's page lists its translations
        try:
            await self._collection.update_one(
                {"_id": release_id, "tenant_id": tenant_id}, change, **self._opts()
            )
        except DuplicateKeyError as error:  # another link took the language meanwhile
            raise AlreadyExistsError("the translations already have this language") from error

    async def translations(self, tenant_id: str, groups: Sequence[str]) -> list[Release]:
        if not groups:
            return []
        query = {"tenant_id": tenant_id, "translation_group": {"$in": list(groups)}}
        return [release_of(d) async for d in self._collection.find(query, **self._opts())]

    async def delete(self, release: Release) -> None:
        unchanged = {"_id": release.id, "tenant_id": release.tenant_id, "version": release.version}
        self._changed(release)
        result = await self._collection.delete_one(unchanged, **self._opts())
        if result.deleted_count != 1:
            raise ConcurrentModificationError(f"release {release.id} changed meanwhile")

    async def page(
        self, tenant_id: str, where: ReleaseFilter, *, after_id: str | None, limit: int
    ) -> list[Release]:
        query = _filter(tenant_id, where)
        if after_id is not None:
            query["_id"] = {"$lt": after_id}
        return [release_of(d) for d in await self._find(query, sort=NEWEST_FIRST, limit=limit)]

    async def list_published(
        self,
        tenant_id: str,
        newsroom_id: str,
        *,
        tag: str | None,
        language: str | None,
        after: PublicPosition | None,
        limit: int,
        within: Period | None = None,
    ) -> list[Release]:
        query = _filter(
            tenant_id,
            ReleaseFilter(
                newsroom_id=newsroom_id,
                status=Status.PUBLISHED,
                tag=tag,
                language=language,
                published_from=None if within is None else within.start,
                published_to=None if within is None else within.end,
            ),
        )
        if after is not None:
            query["$or"] = [
                {"published_at": {"$lt": after.published_at}},
                {"published_at": after.published_at, "_id": {"$lt": after.release_id}},
            ]
        return [release_of(d) for d in await self._find(query, sort=PUBLIC_ORDER, limit=limit)]

    async def search_published(
        self, tenant_id: str, newsroom_id: str, variants: Sequence[Sequence[str]], *, limit: int
    ) -> list[Release]:
        query = {
            "tenant_id": tenant_id,
            "newsroom_id": newsroom_id,
            "status": str(Status.PUBLISHED),
            "$or": [{"search_terms": {"$all": list(stems)}} for stems in variants],
        }
        return [release_of(d) for d in await self._find(query, sort=PUBLIC_ORDER, limit=limit)]

    async def published_months(self, tenant_id: str, newsroom_id: str) -> list[MonthCount]:
        return await release_archive.published_months(
            self._collection, self._session, tenant_id, newsroom_id
        )

    async def published_tags(
        self, tenant_id: str, newsroom_id: str, *, limit: int
    ) -> list[TagCount]:
        return await release_archive.published_tags(
            self._collection, self._session, tenant_id, newsroom_id, limit
        )

    async def get_published(self, tenant_id: str, newsroom_id: str, slug: str) -> Release | None:
        found = await self._find_one(
            {
                "tenant_id": tenant_id,
                "newsroom_id": newsroom_id,
                "slug": slug,
                "status": str(Status.PUBLISHED),
            }
        )
        return None if found is None else release_of(found)

    async def slugs_taken(self, tenant_id: str, newsroom_id: str, base: str) -> set[str]:
        pattern = f"^{re.escape(base)}(-[0-9]+)?$"
        cursor = self._collection.find(
            {"tenant_id": tenant_id, "newsroom_id": newsroom_id, "slug": {"$regex": pattern}},
            {"slug": True},
            **self._opts(),
        )
        return {document["slug"] async for document in cursor}

    async def due(self, now: datetime, *, limit: int) -> list[DueRelease]:
        cursor = (
            self._collection.find(
                {"status": {"$in": DUE_STATUSES}, "due_at": {"$lte": now}},
                {"tenant_id": True},
                **self._opts(),
            )
            .sort([("due_at", ASCENDING)])
            .limit(limit)
        )
        return [DueRelease(d["tenant_id"], d["_id"]) async for d in cursor]

    async def referencing_media(self, tenant_id: str, media_id: str) -> list[Release]:
        query = {"tenant_id": tenant_id, "media_ids": media_id}
        return [release_of(d) async for d in self._collection.find(query, **self._opts())]
