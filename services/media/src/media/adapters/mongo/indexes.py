"""Every index of the media database, created at startup (idempotent).

Items are indexed under ``tenant_id`` first; the worker's claim looks across tenants by
``(status, claim_expires_at)``, by design. GridFS files are looked up by their item.
"""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel

from newsroom_shared.mongo import Database

INDEXES: dict[str, list[IndexModel]] = {
    "items": [
        IndexModel([("tenant_id", ASCENDING), ("_id", DESCENDING)], name="tenant_newest"),
        IndexModel([("status", ASCENDING), ("claim_expires_at", ASCENDING)], name="claimable"),
        # Processed items queued to be rendered again (``media rerender``): only those.
        IndexModel(
            [("claim_expires_at", ASCENDING)],
            name="rerender_queue",
            partialFilterExpression={"rerender": True},
        ),
    ],
    "usage": [],
    "galleries": [
        IndexModel([("tenant_id", ASCENDING), ("_id", DESCENDING)], name="tenant_newest"),
        # One gallery per release: galleries of no release have no release_id field.
        IndexModel(
            [("tenant_id", ASCENDING), ("release_id", ASCENDING)],
            name="one_per_release",
            unique=True,
            partialFilterExpression={"release_id": {"$exists": True}},
        ),
    ],
    # Which known releases name an item (multikey): its access is decided from them.
    "releases": [IndexModel([("tenant_id", ASCENDING), ("media_ids", ASCENDING)], name="media")],
    # Whether a newsroom shows an item as its logo (then anyone may fetch it).
    "newsroom_logos": [
        IndexModel([("tenant_id", ASCENDING), ("media_id", ASCENDING)], name="media")
    ],
    # tus uploads: looked up by id under the tenant; the expiry sweep across tenants by time.
    "resumable_uploads": [
        IndexModel([("tenant_id", ASCENDING), ("_id", ASCENDING)], name="tenant_id"),
        IndexModel([("expires_at", ASCENDING)], name="expiry"),
        # Received in full, no item yet: the one making it died (the sweep takes it again).
        IndexModel(
            [("taking_until", ASCENDING)],
            name="stalled",
            partialFilterExpression={"received": True},
        ),
    ],
    "fs.files": [
        IndexModel(
            [("metadata.tenant_id", ASCENDING), ("metadata.media_id", ASCENDING)],
            name="tenant_media",
        ),
        IndexModel([("filename", ASCENDING), ("uploadDate", ASCENDING)]),  # GridFS's own
        # The sweeper's: only files not yet recorded by their item are in it.
        IndexModel(
            [("uploadDate", ASCENDING)],
            name="pending_since",
            partialFilterExpression={"metadata.pending": True},
        ),
    ],
    "fs.chunks": [
        IndexModel([("files_id", ASCENDING), ("n", ASCENDING)], unique=True),  # GridFS's own
    ],
}


async def ensure_indexes(db: Database) -> None:
    existing = set(await db.list_collection_names())
    for collection, indexes in INDEXES.items():
        if collection not in existing:
            await db.create_collection(collection)
        if indexes:
            await db[collection].create_indexes(indexes)
