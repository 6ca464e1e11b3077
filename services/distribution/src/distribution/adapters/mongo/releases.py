"""Collection ``releases``: the facts of each release event we plan from, for the worker.

The worker composes posts and emails from these (the delivery carries only ids), so it never
calls the publisher back. A later version of a release replaces an earlier one, never the reverse.
The newsroom's name (:data:`NEWSROOM_NAME`, for emails) is the event's, or for events emitted
before they carried it, the name the newsroom read model knew when the release was planned.
"""

from __future__ import annotations

from typing import Any

from pymongo import ReturnDocument

from distribution.adapters.mongo.base import Repository
from distribution.domain.releases import NEWSROOM_NAME, ReleaseFacts
from distribution.domain.releases import NOT_EVENT_DATA as NOT_EVENT_DATA
from newsroom_shared.events.publisher import ReleaseEmbargoed, ReleasePublished
from newsroom_shared.mongo import Document


class MongoReleases(Repository):
    COLLECTION = "releases"
    UNIQUE_INDEXES: tuple[list[tuple[str, int]], ...] = ([("tenant_id", 1), ("release_id", 1)],)

    async def remember(
        self, event: ReleasePublished | ReleaseEmbargoed, *, newsroom_name: str | None = None
    ) -> ReleaseFacts:
        key = {"tenant_id": event.tenant_id, "release_id": event.release_id}
        facts: dict[str, Any] = event.model_dump(mode="json")
        facts["event_type"] = event.ce_type
        if newsroom_name is not None:
            facts[NEWSROOM_NAME] = newsroom_name
        elif facts.get(NEWSROOM_NAME) is None:
            facts.pop(NEWSROOM_NAME, None)  # no name known now: the one stored stays
        # One command: the stored document stays as it is when it holds a later version (an
        # older one arriving late), else the facts are merged in ($literal: text such as a
        # title starting with "$" is data, not a field path).
        later_stored = {"$gt": [{"$ifNull": ["$version", -1]}, event.version]}
        merged = {"$mergeObjects": ["$$ROOT", {"$literal": facts}]}
        # The stored facts come back in the same reply: the planner hands them to the worker.
        stored: Document | None = await self._collection.find_one_and_update(
            key,
            [{"$replaceWith": {"$cond": [later_stored, "$$ROOT", merged]}}],
            upsert=True,
            return_document=ReturnDocument.AFTER,
            session=self._session,
        )
        assert stored is not None  # an upsert returning the document after it always has one
        return stored

    async def of_ids(self, tenant_id: str, release_ids: list[str]) -> dict[str, Document]:
        documents = await self._find({"tenant_id": tenant_id, "release_id": {"$in": release_ids}})
        return {d["release_id"]: d for d in documents}
