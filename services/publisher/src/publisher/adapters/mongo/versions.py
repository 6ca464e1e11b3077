"""Collection ``release_versions``: one snapshot per release version, ``_id`` ``<release>:<n>``."""

from __future__ import annotations

from pymongo import DESCENDING

from newsroom_shared.mongo import Document
from publisher.adapters.mongo.base import Repository
from publisher.adapters.mongo.release_documents import release_document, release_of
from publisher.domain.history import ReleaseVersion


def _document(version: ReleaseVersion) -> Document:
    snapshot = release_document(version.snapshot)
    snapshot["id"] = snapshot.pop("_id")
    del snapshot["search_terms"]  # only the current version is searched
    return {
        "_id": f"{version.release_id}:{version.version}",
        "tenant_id": version.tenant_id,
        "release_id": version.release_id,
        "version": version.version,
        "action": version.action,
        "actor": version.actor,
        "at": version.at,
        "snapshot": snapshot,
    }


def _version(document: Document) -> ReleaseVersion:
    snapshot = dict(document["snapshot"])
    snapshot["_id"] = snapshot.pop("id")
    return ReleaseVersion(
        tenant_id=document["tenant_id"],
        release_id=document["release_id"],
        version=document["version"],
        action=document["action"],
        actor=document["actor"],
        at=document["at"],
        snapshot=release_of(snapshot),
    )


class MongoVersions(Repository):
    COLLECTION = "release_versions"

    async def add(self, version: ReleaseVersion) -> None:
        await self._collection.insert_one(_document(version), **self._opts())

    async def page(
        self, tenant_id: str, release_id: str, *, after_version: int | None, limit: int
    ) -> list[ReleaseVersion]:
        query: Document = {"tenant_id": tenant_id, "release_id": release_id}
        if after_version is not None:
            query["version"] = {"$lt": after_version}
        rows = await self._find(query, sort=[("version", DESCENDING)], limit=limit)
        return [_version(row) for row in rows]

    async def get(self, tenant_id: str, release_id: str, version: int) -> ReleaseVersion | None:
        found = await self._find_one(
            {"tenant_id": tenant_id, "release_id": release_id, "version": version}
        )
        return None if found is None else _version(found)

    async def delete_all(self, tenant_id: str, release_id: str) -> None:
        await self._collection.delete_many(
            {"tenant_id": tenant_id, "release_id": release_id}, **self._opts()
        )
