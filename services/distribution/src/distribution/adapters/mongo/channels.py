"""Collection ``channels``: a tenant's configured channels, credentials encrypted at rest.

A document keeps the config's plain fields readable (for queries and support) and every
``SecretStr`` field in one Fernet token, ``credentials``; nothing else ever holds a secret.
"""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr, TypeAdapter
from pymongo.asynchronous.client_session import AsyncClientSession

from distribution.adapters.crypto import CredentialCipher
from distribution.adapters.mongo.base import Repository
from distribution.domain.channels import AnyChannelConfig, Channel, ChannelConfig
from newsroom_shared.mongo import Database, Document

_CONFIG: TypeAdapter[Any] = TypeAdapter(AnyChannelConfig)


def _secrets(config: ChannelConfig) -> dict[str, str]:
    return {
        name: value.get_secret_value()
        for name in type(config).model_fields
        if isinstance(value := getattr(config, name), SecretStr)
    }


def channel_document(channel: Channel, cipher: CredentialCipher) -> Document:
    secrets = _secrets(channel.config)
    return {
        "_id": channel.id,
        "tenant_id": channel.tenant_id,
        "name": channel.name,
        "newsroom_id": channel.newsroom_id,
        "enabled": channel.enabled,
        "kind": channel.kind,
        "config": channel.config.model_dump(mode="json", exclude=set(secrets)),
        "credentials": cipher.encrypt(secrets),
    }


def channel_from(document: Document, cipher: CredentialCipher) -> Channel:
    config = _CONFIG.validate_python(
        {**document["config"], **cipher.decrypt(document["credentials"])}
    )
    return Channel(
        id=document["_id"],
        tenant_id=document["tenant_id"],
        name=document["name"],
        newsroom_id=document["newsroom_id"],
        enabled=document["enabled"],
        config=config,
    )


class MongoChannels(Repository):
    COLLECTION = "channels"
    INDEXES: tuple[list[tuple[str, int]], ...] = ([("tenant_id", 1), ("newsroom_id", 1)],)

    def __init__(
        self, db: Database, cipher: CredentialCipher, session: AsyncClientSession | None = None
    ) -> None:
        super().__init__(db, session)
        self._cipher = cipher

    async def save(self, channel: Channel) -> None:
        await self._collection.replace_one(
            {"_id": channel.id, "tenant_id": channel.tenant_id},
            channel_document(channel, self._cipher),
            upsert=True,
            session=self._session,
        )

    async def get(self, tenant_id: str, channel_id: str) -> Channel | None:
        document = await self._collection.find_one(
            {"_id": channel_id, "tenant_id": tenant_id}, session=self._session
        )
        return channel_from(document, self._cipher) if document else None

    async def of_ids(self, tenant_id: str, channel_ids: list[str]) -> dict[str, Channel]:
        documents = await self._find({"_id": {"$in": channel_ids}, "tenant_id": tenant_id})
        return {d["_id"]: channel_from(d, self._cipher) for d in documents}

    async def serving(self, tenant_id: str, newsroom_id: str) -> list[Channel]:
        """Enabled channels of the newsroom, and those of every newsroom of the tenant."""
        documents = await self._find(
            {"tenant_id": tenant_id, "newsroom_id": {"$in": [newsroom_id, None]}, "enabled": True}
        )
        return [channel_from(d, self._cipher) for d in documents]

    async def page(
        self,
        tenant_id: str,
        *,
        newsroom_id: str | None,
        kind: str | None,
        after_id: str | None,
        limit: int,
    ) -> list[Channel]:
        """Up to ``limit`` channels in id order after ``after_id``, optionally filtered."""
        query: Document = {"tenant_id": tenant_id}
        if newsroom_id is not None:
            query["newsroom_id"] = newsroom_id
        if kind is not None:
            query["kind"] = kind
        if after_id is not None:
            query["_id"] = {"$gt": after_id}
        cursor = self._collection.find(query, session=self._session, limit=limit)
        return [channel_from(d, self._cipher) async for d in cursor.sort([("_id", 1)])]

    async def delete(self, tenant_id: str, channel_id: str) -> bool:
        result = await self._collection.delete_one(
            {"_id": channel_id, "tenant_id": tenant_id}, session=self._session
        )
        return result.deleted_count == 1

    async def email_channels_of_newsroom(self, tenant_id: str, newsroom_id: str) -> list[Channel]:
        """The enabled email channels naming the tenant's newsroom (the subscribe route's)."""
        documents = await self._find(
            {"tenant_id": tenant_id, "newsroom_id": newsroom_id, "kind": "email", "enabled": True},
            limit=10,
        )
        return [channel_from(d, self._cipher) for d in documents]
