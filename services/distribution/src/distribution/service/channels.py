"""Staff commands on channels: create, change, delete (pending deliveries of it cancelled).

A request names settings and credentials apart; both are validated together by the channel
kind's config in ``domain/channels.py`` (SSRF check of URLs included). ``allow_insecure_url`` is
never the client's to set: the service's setting decides. A webhook's Standard Webhooks secret
is generated here and shown once, in the creation's answer.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import SecretStr, TypeAdapter, ValidationError

from distribution.domain.channels import (
    AnyChannelConfig,
    Channel,
    ChannelConfig,
    new_webhook_secret,
)
from distribution.domain.failures import FailedAttempt
from distribution.service.errors import ConflictError, InvalidInputError, NotFoundError
from distribution.service.newsrooms import own_newsroom
from distribution.service.ports import UnitOfWork

_CONFIG: TypeAdapter[Any] = TypeAdapter(AnyChannelConfig)
INSECURE_FLAG = "allow_insecure_url"


def secret_fields(config_type: type[ChannelConfig]) -> set[str]:
    """The names of a config type's credentials (its ``SecretStr`` fields)."""
    return {
        name
        for name, field in config_type.model_fields.items()
        if "SecretStr" in str(field.annotation)
    }


def settings_of(config: ChannelConfig) -> dict[str, Any]:
    """A config's non-secret settings, as clients see and send them."""
    hidden = secret_fields(type(config)) | {"kind", INSECURE_FLAG}
    return config.model_dump(mode="json", exclude=hidden)


def credentials_set(config: ChannelConfig) -> list[str]:
    return sorted(n for n in secret_fields(type(config)) if getattr(config, n) is not None)


def _credential_values(config: ChannelConfig) -> dict[str, str]:
    return {
        name: value.get_secret_value()
        for name in secret_fields(type(config))
        if isinstance(value := getattr(config, name), SecretStr)
    }


def build_config(
    kind: str,
    settings: Mapping[str, Any],
    credentials: Mapping[str, Any],
    *,
    allow_insecure: bool,
) -> ChannelConfig:
    """The kind's validated config, or ``InvalidInputError`` naming the field and the rule."""
    if INSECURE_FLAG in settings or INSECURE_FLAG in credentials:
        raise InvalidInputError(f"settings.{INSECURE_FLAG}", "is not a setting clients may set")
    overlap = sorted(set(settings) & set(credentials))
    if overlap:
        raise InvalidInputError("credentials", f"{overlap} given both as settings and credentials")
    data = {**settings, **credentials, "kind": kind, INSECURE_FLAG: allow_insecure}
    try:
        config: ChannelConfig = _CONFIG.validate_python(data)
    except ValidationError as error:
        raise _invalid(error, set(credentials)) from None
    secrets = secret_fields(type(config))
    misplaced = sorted((set(settings) & secrets) | (set(credentials) - secrets))
    if misplaced:
        raise InvalidInputError(
            "credentials",
            f"{misplaced} misplaced: credentials of a {kind} channel are {sorted(secrets)}",
        )
    return config


def _invalid(error: ValidationError, credential_names: set[str]) -> InvalidInputError:
    first = error.errors(include_url=False, include_input=False)[0]
    # The discriminated union puts the kind's tag first in the location; an unknown kind has none.
    location = [str(part) for part in first["loc"]][1:]
    if not location:
        return InvalidInputError("kind", str(first["msg"]))
    group = "credentials" if location[0] in credential_names else "settings"
    # Never echo a value back: it may be a credential.
    return InvalidInputError(f"{group}.{'.'.join(location)}", str(first["msg"]))


@dataclass(frozen=True, slots=True)
class CreatedChannel:
    channel: Channel
    # Standard Webhooks secret of a new webhook channel: shown once, never again.
    webhook_secret: str | None


async def create_channel(
    uow: UnitOfWork,
    tenant_id: str,
    *,
    newsroom_id: str,
    kind: str,
    name: str,
    settings: Mapping[str, Any],
    credentials: Mapping[str, Any],
    enabled: bool,
    allow_insecure: bool,
) -> CreatedChannel:
    # Only a newsroom of the caller's tenant: a channel on another tenant's newsroom would take
    # over its subscriptions (the public subscribe route finds the channel by newsroom).
    await own_newsroom(uow, tenant_id, newsroom_id)
    secret = None
    if kind == "webhook":
        if credentials:
            raise InvalidInputError("credentials", "a webhook's secret is generated, not given")
        secret = new_webhook_secret()
        credentials = {"secret": secret}
    config = build_config(kind, settings, credentials, allow_insecure=allow_insecure)
    channel = Channel(
        id=uuid.uuid4().hex,
        tenant_id=tenant_id,
        name=name,
        newsroom_id=newsroom_id,
        enabled=enabled,
        config=config,
    )
    await uow.channels.save(channel)
    return CreatedChannel(channel, secret)


async def get_channel(uow: UnitOfWork, tenant_id: str, channel_id: str) -> Channel:
    channel = await uow.channels.get(tenant_id, channel_id)
    if channel is None:
        raise NotFoundError(f"no channel {channel_id!r}")
    return channel


async def failure_log(
    uow: UnitOfWork,
    tenant_id: str,
    channel_id: str,
    *,
    before_id: str | None,
    limit: int,
) -> list[tuple[str, FailedAttempt]]:
    """The channel's failed attempts, newest first (404 for another tenant's channel)."""
    await get_channel(uow, tenant_id, channel_id)
    return await uow.failed_attempts.page(tenant_id, channel_id, before_id=before_id, limit=limit)


async def list_channels(
    uow: UnitOfWork,
    tenant_id: str,
    *,
    newsroom_id: str | None,
    kind: str | None,
    after_id: str | None,
    limit: int,
) -> list[Channel]:
    return await uow.channels.page(
        tenant_id, newsroom_id=newsroom_id, kind=kind, after_id=after_id, limit=limit
    )


async def change_channel(
    uow: UnitOfWork,
    tenant_id: str,
    channel_id: str,
    *,
    name: str | None,
    enabled: bool | None,
    settings: Mapping[str, Any] | None,
    credentials: Mapping[str, Any] | None,
    allow_insecure: bool,
    kind: str | None = None,
) -> Channel:
    """Renames, enables/disables, or replaces the settings or the credentials (each whole).

    ``kind``, when given, must be the channel's: settings are a kind's, and a kind never changes.
    """
    channel = await get_channel(uow, tenant_id, channel_id)
    if kind is not None and kind != channel.kind:
        raise ConflictError(
            f"this is a {channel.kind} channel: its kind cannot change (got {kind!r})",
            code="kind_mismatch",
        )
    if credentials is not None and channel.kind == "webhook":
        raise InvalidInputError("credentials", "a webhook's secret is generated, not given")
    if settings is not None or credentials is not None:
        current = channel.config
        config = build_config(
            channel.kind,
            settings_of(current) if settings is None else settings,
            _credential_values(current) if credentials is None else credentials,
            allow_insecure=allow_insecure,
        )
        channel = channel.model_copy(update={"config": config})
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = name
    if enabled is not None:
        changes["enabled"] = enabled
    if changes:
        channel = channel.model_copy(update=changes)
    await uow.channels.save(channel)
    return channel


async def delete_channel(uow: UnitOfWork, tenant_id: str, channel_id: str, now: datetime) -> int:
    """Deletes the channel; returns how many of its pending deliveries were cancelled."""
    if not await uow.channels.delete(tenant_id, channel_id):
        raise NotFoundError(f"no channel {channel_id!r}")
    return await uow.deliveries.cancel_pending(
        tenant_id, reason="the channel was deleted", now=now, channel_id=channel_id
    )
