"""The distribution service's indexes, created at startup (idempotent)."""

from __future__ import annotations

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
