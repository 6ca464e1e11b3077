"""Every index of the publisher's database, created at startup (idempotent).

Tenant data is indexed under ``tenant_id`` first. Four lookups find the tenant instead of
starting from it, by design: a newsroom by its global ``slug`` (public URLs) or its own
``domain`` (a request's host), a key by its
``_id`` (authentication; the ``_id`` index), and due releases by ``(status, due_at)``
(the scheduler works across tenants).
"""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel

from newsroom_shared import page_versions
from newsroom_shared.mongo import Database

INDEXES: dict[str, list[IndexModel]] = {
    "newsrooms": [
        IndexModel([("slug", ASCENDING)], unique=True, name="public_slug"),
        # Only newsrooms with a domain are in it (the others have no field): unique where set.
        IndexModel(
            [("domain", ASCENDING)],
            unique=True,
            partialFilterExpression={"domain": {"$type": "string"}},
            name="public_domain",
        ),
        IndexModel([("tenant_id", ASCENDING), ("_id", DESCENDING)], name="tenant_newest"),
    ],
    "api_keys": [
        IndexModel([("tenant_id", ASCENDING), ("_id", DESCENDING)], name="tenant_newest"),
    ],
    "releases": [
        IndexModel(
            [("tenant_id", ASCENDING), ("newsroom_id", ASCENDING), ("slug", ASCENDING)],
            unique=True,
            name="tenant_newsroom_slug",
        ),
        IndexModel([("tenant_id", ASCENDING), ("_id", DESCENDING)], name="tenant_newest"),
        IndexModel(
            [("tenant_id", ASCENDING), ("newsroom_id", ASCENDING), ("_id", DESCENDING)],
            name="tenant_newsroom_newest",
        ),
        # A release's translations (one read for a page, one for a sitemap), one per language:
        # the rule is checked in the domain; this index settles two links racing for a language.
        IndexModel(
            [("tenant_id", ASCENDING), ("translation_group", ASCENDING), ("language", ASCENDING)],
            unique=True,
            partialFilterExpression={"translation_group": {"$type": "string"}},
            name="tenant_translations",
        ),
        IndexModel(
            [("tenant_id", ASCENDING), ("status", ASCENDING), ("_id", DESCENDING)],
            name="tenant_status_newest",
        ),
        IndexModel(
            [("tenant_id", ASCENDING), ("tags", ASCENDING), ("_id", DESCENDING)],
            name="tenant_tag_newest",
        ),
        IndexModel(
            [
                ("tenant_id", ASCENDING),
                ("newsroom_id", ASCENDING),
                ("status", ASCENDING),
                ("published_at", DESCENDING),
                ("_id", DESCENDING),
            ],
            name="public_listing",
        ),
        IndexModel(
            [
                ("tenant_id", ASCENDING),
                ("newsroom_id", ASCENDING),
                ("status", ASCENDING),
                ("tags", ASCENDING),
                ("published_at", DESCENDING),
                ("_id", DESCENDING),
            ],
            name="public_tag_listing",
        ),
        IndexModel(
            [
                ("tenant_id", ASCENDING),
                ("newsroom_id", ASCENDING),
                ("status", ASCENDING),
                ("search_terms", ASCENDING),
            ],
            name="public_search",
        ),
        IndexModel([("tenant_id", ASCENDING), ("media_ids", ASCENDING)], name="tenant_media"),
        IndexModel([("status", ASCENDING), ("due_at", ASCENDING)], name="scheduler_due"),
    ],
    "release_versions": [
        IndexModel(
            [("tenant_id", ASCENDING), ("release_id", ASCENDING), ("version", DESCENDING)],
            unique=True,
            name="tenant_release_version",
        ),
    ],
    # Each replica's poll: the tenants whose pages changed lately.
    page_versions.COLLECTION: page_versions.INDEXES,
    "media": [
        IndexModel(
            [("tenant_id", ASCENDING), ("media_id", ASCENDING)], unique=True, name="tenant_media"
        ),
    ],
    "galleries": [
        IndexModel([("tenant_id", ASCENDING), ("gallery_id", ASCENDING)], name="tenant_gallery"),
        # A release page's gallery.
        IndexModel([("tenant_id", ASCENDING), ("release_id", ASCENDING)], name="tenant_release"),
    ],
}


async def ensure_indexes(db: Database) -> None:
    for collection, indexes in INDEXES.items():
        await db[collection].create_indexes(indexes)
