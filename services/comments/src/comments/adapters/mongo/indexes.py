"""Every index of the comments database, created at startup (idempotent), before any consumer.

Tenant data is indexed under ``tenant_id`` first. One lookup finds the tenant instead of
starting from it, by design: a release by its global ``release_id`` (a visitor's request names
only the release).
"""

from __future__ import annotations

import contextlib

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.errors import CollectionInvalid

from newsroom_shared import page_versions
from newsroom_shared.mongo import Database

INDEXES: dict[str, list[IndexModel]] = {
    "releases": [IndexModel([("release_id", ASCENDING)], unique=True, name="public_release")],
    # Each replica's poll: the releases' threads (and newsrooms' settings) changed lately.
    page_versions.COLLECTION: page_versions.INDEXES,
    "newsrooms": [],
    "newsroom_settings": [],
    "comments": [
        # A release's thread (roots by posting time) and its count.
        IndexModel(
            [
                ("tenant_id", ASCENDING),
                ("release_id", ASCENDING),
                ("status", ASCENDING),
                ("depth", ASCENDING),
                ("posted_at", DESCENDING),
                ("_id", DESCENDING),
            ],
            name="tenant_release_thread",
        ),
        IndexModel(
            [("tenant_id", ASCENDING), ("root_id", ASCENDING), ("status", ASCENDING)],
            name="tenant_thread_replies",
        ),
        IndexModel(
            [("tenant_id", ASCENDING), ("needs_review", ASCENDING), ("_id", ASCENDING)],
            name="tenant_queue",
        ),
        IndexModel(
            [
                ("tenant_id", ASCENDING),
                ("email_hash", ASCENDING),
                ("newsroom_id", ASCENDING),
                ("status", ASCENDING),
            ],
            name="tenant_author",
        ),
        IndexModel(
            [("tenant_id", ASCENDING), ("text_digest", ASCENDING)], name="tenant_text_digest"
        ),
        # Comments never verified are removed at their time (a TTL index is one field).
        IndexModel([("unverified_until", ASCENDING)], expireAfterSeconds=0, name="unverified"),
    ],
    # Addresses verified in a newsroom, forgotten at their time.
    "verified_authors": [IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0)],
    "reactions": [IndexModel([("tenant_id", ASCENDING), ("comment_id", ASCENDING)])],
    "bans": [IndexModel([("tenant_id", ASCENDING), ("ban_id", ASCENDING)], name="tenant_bans")],
    # The mail loop's due mails, across tenants (it serves them all, as the outbox relay does).
    "mail_outbox": [IndexModel([("due_at", ASCENDING)], name="due")],
    "moderation_log": [
        IndexModel([("tenant_id", ASCENDING), ("_id", DESCENDING)], name="tenant_newest"),
        IndexModel(
            [("tenant_id", ASCENDING), ("comment_id", ASCENDING), ("_id", DESCENDING)],
            name="tenant_comment_newest",
        ),
    ],
}


async def ensure_indexes(db: Database) -> None:
    """Create every collection and index (collections first: a transaction must never be the
    one that creates a collection)."""
    existing = set(await db.list_collection_names())
    for name, indexes in INDEXES.items():
        if name not in existing:
            with contextlib.suppress(CollectionInvalid):  # another replica made it just now
                await db.create_collection(name)
        if indexes:
            await db[name].create_indexes(indexes)
