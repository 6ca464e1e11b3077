"""Gives search terms to releases stored before search existed (``publisher index-search``).

Every later write of a release stores its terms (``release_documents.py``); this finds the
documents without any, across tenants like the scheduler's lookup, and updates each under its
own tenant id and version: a release changed meanwhile was written with its terms already.
"""

from __future__ import annotations

from pymongo import UpdateOne

from newsroom_shared.mongo import Database
from publisher.adapters.mongo.release_documents import release_of
from publisher.domain.search import index_terms

BATCH = 500


async def index_unsearchable(db: Database) -> int:
    """How many releases got their terms."""
    releases = db["releases"]
    done = 0
    while True:
        cursor = releases.find({"search_terms": {"$exists": False}}).limit(BATCH)
        batch = [document async for document in cursor]
        if not batch:
            return done
        updates = [
            UpdateOne(
                {"_id": d["_id"], "tenant_id": d["tenant_id"], "version": d["version"]},
                {"$set": {"search_terms": index_terms(release_of(d).content)}},
            )
            for d in batch
        ]
        await releases.bulk_write(updates, ordered=False)
        done += len(batch)
