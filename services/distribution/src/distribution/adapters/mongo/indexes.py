"""The distribution service's schema at startup (idempotent): its indexes, and collections
of earlier versions removed."""

from __future__ import annotations

import contextlib

from pymongo.errors import CollectionInvalid

from distribution.adapters.mongo.alerts import MongoAlertRecipients, MongoAlerts
from distribution.adapters.mongo.channels import MongoChannels
from distribution.adapters.mongo.confirmations import MongoConfirmations
from distribution.adapters.mongo.deliveries import MongoDeliveries
from distribution.adapters.mongo.failures import MongoFailedAttempts
from distribution.adapters.mongo.fanouts import MongoFanOuts
from distribution.adapters.mongo.newsrooms import MongoNewsrooms
from distribution.adapters.mongo.releases import MongoReleases
from distribution.adapters.mongo.subscribers import MongoSubscribers
from distribution.adapters.mongo.suppressions import MongoSuppressions
from newsroom_shared.mongo import Database

# Collections earlier versions kept and nothing reads any more: the outcome log and the ready
# queue of email pages (replaced by the one claim path in issue 10).
OBSOLETE_COLLECTIONS = ("delivery_outcomes", "ready")


async def ensure_indexes(db: Database) -> None:
    await drop_obsolete_collections(db)
    # Written inside transactions, found by _id alone (the tenant id): created here, no index.
    if MongoAlertRecipients.COLLECTION not in await db.list_collection_names():
        with contextlib.suppress(CollectionInvalid):  # another replica created it just now
            await db.create_collection(MongoAlertRecipients.COLLECTION)
    for repository in (
        MongoChannels,
        MongoSubscribers,
        MongoDeliveries,
        MongoReleases,
        MongoNewsrooms,
        MongoSuppressions,
        MongoConfirmations,
        MongoFailedAttempts,
        MongoFanOuts,
        MongoAlerts,
    ):
        collection = db[repository.COLLECTION]
        for keys in getattr(repository, "INDEXES", ()):
            await collection.create_index(keys)
        for keys in getattr(repository, "UNIQUE_INDEXES", ()):
            await collection.create_index(keys, unique=True)
        for field, seconds in getattr(repository, "TTL_INDEXES", ()):
            await collection.create_index(field, expireAfterSeconds=seconds)


async def drop_obsolete_collections(db: Database) -> list[str]:
    """Drops the collections of :data:`OBSOLETE_COLLECTIONS` that exist; returns their names.
    One listing when there are none (every start after the first)."""
    present = await db.list_collection_names(filter={"name": {"$in": list(OBSOLETE_COLLECTIONS)}})
    for name in present:
        await db.drop_collection(name)
    return sorted(present)
