"""Every index of listening's database, created at startup (idempotent), and the collections
written inside transactions, created first.

Tenant data is indexed under ``tenant_id`` first. Four reads find the tenant instead of
starting from it, by design: every query of every tenant (the matcher; a whole-collection read),
a webhook source by its ``_id`` (an inbound delivery's URL names only the source), the due feeds
of every tenant (``feeds.due``: the poller serves them all), and the ids of every Mastodon
source (the replicas share the connections out; a whole-collection read).
"""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel

from newsroom_shared.mongo import Database

INDEXES: dict[str, list[IndexModel]] = {
    "queries": [
        IndexModel([("tenant_id", ASCENDING), ("_id", DESCENDING)], name="tenant_newest"),
    ],
    "query_version": [],
    "mentions": [
        IndexModel(
            [("tenant_id", ASCENDING), ("dedupe_key", ASCENDING)],
            unique=True,
            name="tenant_post",
        ),
        IndexModel(
            [("tenant_id", ASCENDING), ("bands", ASCENDING), ("detected_at", DESCENDING)],
            name="tenant_near_copies",
        ),
        IndexModel(
            [("tenant_id", ASCENDING), ("source_item", ASCENDING)], name="tenant_source_item"
        ),
        IndexModel(
            [("tenant_id", ASCENDING), ("detected_at", DESCENDING), ("_id", DESCENDING)],
            name="tenant_newest",
        ),
        IndexModel(
            [("tenant_id", ASCENDING), ("query_ids", ASCENDING), ("detected_at", DESCENDING)],
            name="tenant_query_newest",
        ),
        # A comment's mention, found when the comment is moderated.
        IndexModel([("tenant_id", ASCENDING), ("post_key", ASCENDING)], name="tenant_post_key"),
    ],
    # Found by _id (the comment's id) and tenant.
    "comments": [],
    # One document per query, found by its _id (the query's id) and tenant; the open episodes
    # across tenants by the sweep that closes calmed ones (by design, like feeds' "due").
    "query_activity": [IndexModel([("episode.started_at", ASCENDING)], name="open_episodes")],
    "releases": [
        IndexModel(
            [("tenant_id", ASCENDING), ("release_id", ASCENDING)],
            unique=True,
            name="tenant_release",
        ),
        IndexModel([("tenant_id", ASCENDING), ("url_key", ASCENDING)], name="tenant_url"),
    ],
    "webhook_sources": [
        IndexModel([("tenant_id", ASCENDING), ("_id", DESCENDING)], name="tenant_newest"),
    ],
    "feeds": [
        IndexModel([("tenant_id", ASCENDING), ("_id", DESCENDING)], name="tenant_newest"),
        IndexModel([("tenant_id", ASCENDING), ("url", ASCENDING)], unique=True, name="tenant_url"),
        IndexModel([("next_poll_at", ASCENDING)], name="due"),
    ],
    # One document (the Bluesky subscription's cursor), by _id.
    "jetstream_cursor": [],
    "mastodon_sources": [
        IndexModel([("tenant_id", ASCENDING), ("_id", DESCENDING)], name="tenant_newest"),
        # One source per followed timeline and tenant: a second one would emit every post twice.
        IndexModel(
            [("tenant_id", ASCENDING), ("identity", ASCENDING)], unique=True, name="tenant_timeline"
        ),
    ],
}


async def ensure_indexes(db: Database) -> None:
    existing = set(await db.list_collection_names())
    for collection, indexes in INDEXES.items():
        if collection not in existing:
            await db.create_collection(collection)
        if indexes:
            await db[collection].create_indexes(indexes)
