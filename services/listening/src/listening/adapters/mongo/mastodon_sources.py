"""Collection ``mastodon_sources``: each tenant's followed Mastodon timelines, with the last
status id seen (the resume point) and the connection's state. The access token is stored
encrypted (``sealed_token``) and never leaves this service."""

from __future__ import annotations

from datetime import datetime

from pymongo import DESCENDING
from pymongo.errors import DuplicateKeyError

from listening.adapters.mongo.base import Repository
from listening.domain.errors import DuplicateError
from listening.domain.mastodon import MastodonSource, SourceState
from newsroom_shared.mongo import Document


def _document(source: MastodonSource) -> Document:
    return {
        "_id": source.id,
        "tenant_id": source.tenant_id,
        "identity": source.identity,
        "instance_url": source.instance_url,
        "timeline": source.timeline,
        "hashtag": source.hashtag,
        "local_only": source.local_only,
        "created_at": source.created_at,
        "sealed_token": source.sealed_token,
        "last_status_id": source.last_status_id,
        "state": source.state,
        "detail": source.detail,
        "state_at": source.state_at,
    }


def _source(document: Document) -> MastodonSource:
    return MastodonSource(
        id=document["_id"],
        tenant_id=document["tenant_id"],
        instance_url=document["instance_url"],
        timeline=document["timeline"],
        hashtag=document.get("hashtag"),
        local_only=document["local_only"],
        created_at=document["created_at"],
        sealed_token=document.get("sealed_token"),
        last_status_id=document.get("last_status_id"),
        state=document.get("state", "starting"),
        detail=document.get("detail"),
        state_at=document.get("state_at"),
    )


class MongoMastodonSources(Repository):
    COLLECTION = "mastodon_sources"

    async def add(self, source: MastodonSource) -> None:
        try:
            await self._collection.insert_one(_document(source), **self._opts())
        except DuplicateKeyError:
            raise DuplicateError(
                f"this tenant already follows {source.web_url} (delete that source first)"
            ) from None

    async def get(self, tenant_id: str, source_id: str) -> MastodonSource | None:
        found = await self._find_one({"_id": source_id, "tenant_id": tenant_id})
        return None if found is None else _source(found)

    async def page(
        self, tenant_id: str, *, after_id: str | None, limit: int
    ) -> list[MastodonSource]:
        where: Document = {"tenant_id": tenant_id}
        if after_id is not None:
            where["_id"] = {"$lt": after_id}
        rows = await self._find(where, sort=[("_id", DESCENDING)], limit=limit)
        return [_source(row) for row in rows]

    async def delete(self, tenant_id: str, source_id: str) -> bool:
        result = await self._collection.delete_one(
            {"_id": source_id, "tenant_id": tenant_id}, **self._opts()
        )
        return result.deleted_count == 1

    async def all_tenants(self) -> list[tuple[str, str]]:
        # Across tenants on purpose: the replicas share out every tenant's connections.
        cursor = self._collection.find({}, {"tenant_id": 1}, session=self._session)
        return [(row["tenant_id"], row["_id"]) async for row in cursor]

    async def advance(self, tenant_id: str, source_id: str, *, seen: str | None, to: str) -> bool:
        result = await self._collection.update_one(
            {"_id": source_id, "tenant_id": tenant_id, "last_status_id": seen},
            {"$set": {"last_status_id": to}},
            **self._opts(),
        )
        return result.matched_count == 1

    async def set_state(
        self,
        tenant_id: str,
        source_id: str,
        state: SourceState,
        detail: str | None,
        at: datetime,
    ) -> None:
        await self._collection.update_one(
            {"_id": source_id, "tenant_id": tenant_id},
            {"$set": {"state": state, "detail": detail, "state_at": at}},
            **self._opts(),
        )
