"""Collection ``releases``: the read model of the publisher's releases (one document each)."""

from __future__ import annotations

from collections.abc import Sequence

from media.adapters.mongo.base import Repository
from media.domain.releases import KnownRelease, ReleaseState
from newsroom_shared.mongo import Document


def _key(tenant_id: str, release_id: str) -> str:
    # Both in the key: one tenant's release id can never be mistaken for another's.
    return f"{tenant_id}/{release_id}"


def release_document(release: KnownRelease) -> Document:
    return {
        "_id": _key(release.tenant_id, release.release_id),
        "tenant_id": release.tenant_id,
        "release_id": release.release_id,
        "state": release.state.value,
        "media_ids": list(release.media_ids),
        "version": release.version,
        "slug": release.slug,
        "title": release.title,
        "changed_at": release.changed_at,
    }


def release_of(document: Document) -> KnownRelease:
    return KnownRelease(
        tenant_id=document["tenant_id"],
        release_id=document["release_id"],
        state=ReleaseState(document["state"]),
        media_ids=tuple(document["media_ids"]),
        version=document["version"],
        slug=document.get("slug", ""),
        title=document.get("title", ""),
        changed_at=document.get("changed_at"),
    )


class MongoReleases(Repository):
    COLLECTION = "releases"

    async def get(self, tenant_id: str, release_id: str) -> KnownRelease | None:
        found = await self._collection.find_one(
            {"_id": _key(tenant_id, release_id), "tenant_id": tenant_id}, **self._opts()
        )
        return None if found is None else release_of(found)

    async def put(self, release: KnownRelease) -> None:
        document = release_document(release)
        await self._collection.replace_one(
            {"_id": document["_id"]}, document, upsert=True, **self._opts()
        )

    async def naming(self, tenant_id: str, media_ids: Sequence[str]) -> list[KnownRelease]:
        """The tenant's known releases naming any of the items."""
        query = {"tenant_id": tenant_id, "media_ids": {"$in": list(media_ids)}}
        return [release_of(d) async for d in self._collection.find(query, **self._opts())]
