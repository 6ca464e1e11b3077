"""Collection ``api_keys`` in the consuming service's own database: its replica of the staff API
keys the publisher issues (hashes only), fed by ``ApiKeyIssued``/``ApiKeyRevoked``."""

from __future__ import annotations

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession

from newsroom_shared.auth.read_model import ReplicatedKey
from newsroom_shared.mongo import Database, Document

COLLECTION = "api_keys"


def _document(key: ReplicatedKey) -> Document:
    return {
        "_id": key.key_id,
        "tenant_id": key.tenant_id,
        "scopes": list(key.scopes),
        "secret_hash": key.secret_hash,
        "issued_at": key.issued_at,
        "revoked_at": key.revoked_at,
    }


def _key(document: Document) -> ReplicatedKey:
    return ReplicatedKey(
        tenant_id=document["tenant_id"],
        key_id=document["_id"],
        scopes=tuple(document["scopes"]),
        secret_hash=document["secret_hash"],
        issued_at=document["issued_at"],
        revoked_at=document["revoked_at"],
    )


class KeyReplica:
    """Every query on the replicated keys. ``_id`` is the key id that tokens carry."""

    def __init__(self, db: Database) -> None:
        self._collection = db[COLLECTION]

    async def ensure_indexes(self) -> None:
        """Creates the collection too: before consumers start (``runtime.on_prepare``)."""
        await self._collection.create_index(
            [("tenant_id", ASCENDING), ("_id", ASCENDING)], name="tenant_key"
        )

    async def find(
        self, key_id: str, session: AsyncClientSession | None = None
    ) -> ReplicatedKey | None:
        """By key id alone: authentication is how the caller's tenant becomes known."""
        found = await self._collection.find_one({"_id": key_id}, session=session)
        return None if found is None else _key(found)

    async def put(self, key: ReplicatedKey, session: AsyncClientSession) -> None:
        """Store ``key`` as the rules of :mod:`.read_model` made it (in the consumer's
        transaction, which read it first, so a concurrent change is a write conflict)."""
        await self._collection.replace_one(
            {"_id": key.key_id, "tenant_id": key.tenant_id},
            _document(key),
            upsert=True,
            session=session,
        )
