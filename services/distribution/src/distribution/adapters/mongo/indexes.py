"""The distribution service's indexes, created at startup (idempotent)."""

from __future__ import annotations

import contextlib

from pymongo.errors import CollectionInvalid

from distribution.adapters.mongo.channels import MongoChannels
from distribution.adapters.mongo.confirmations import MongoConfirmations
from distribution.adapters.mongo.deliveries import OUTCOMES_COLLECTION, MongoDeliveries
from distribution.adapters.mongo.failures import MongoFailedAttempts
from distribution.adapters.mongo.fanouts import MongoFanOuts, MongoReadyQueue
from distribution.adapters.mongo.newsrooms import MongoNewsrooms
from distribution.adapters.mongo.releases import MongoReleases
from distribution.adapters.mongo.subscribers import MongoSubscribers
from distribution.adapters.mongo.suppressions import MongoSuppressions
from newsroom_shared.mongo import Database


async def ensure_indexes(db: Database) -> None:
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
    ):
        collection = db[repository.COLLECTION]
        for keys in getattr(repository, "INDEXES", ()):
            await collection.create_index(keys)
        for keys in getattr(repository, "UNIQUE_INDEXES", ()):
            await collection.create_index(keys, unique=True)
        for field, seconds in getattr(repository, "TTL_INDEXES", ()):
            await collection.create_index(field, expireAfterSeconds=seconds)
    await MongoSuppressions(db).adopt_legacy_ids()
    # The ready queue and the outcome log have no index but are written only inside
    # transactions: made here, so no transaction has to create them (MongoDB allows that only
    # from 4.4, and not across shards).
    for name in (MongoReadyQueue.COLLECTION, OUTCOMES_COLLECTION):
        with contextlib.suppress(CollectionInvalid):  # there already (another replica, a restart)
            await db.create_collection(name)
