"""Staff API keys: create (token shown once), list, revoke, republish.

Creating and revoking a key emit ``ApiKeyIssued``/``ApiKeyRevoked`` (internal topics) in the
same transaction: the other services keep a replica of the hashes and verify keys themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsroom_shared.events.base import Event
from publisher.domain.api_key import ApiKey
from publisher.domain.errors import NotAllowedError, NotFoundError
from publisher.service import events, republishing
from publisher.service.ports import Caller, Deps, UnitOfWork
from publisher.service.republishing import republish_all
from publisher.service.transactions import atomically
from publisher.service.views import NewKey, Slice


async def add_key(
    uow: UnitOfWork, deps: Deps, caller: Caller, *, name: str, scopes: Sequence[str]
) -> NewKey:
    """Inside an open unit of work: mint a key for the caller's tenant and store its hash."""
    minted = await deps.keys.mint()
    key = ApiKey.create(
        key_id=minted.key_id,
        tenant_id=caller.tenant_id,
        name=name,
        scopes=scopes,
        secret_hash=minted.secret_hash,
        now=deps.clock.now(),
        created_by=caller.actor,
    )
    await uow.api_keys.add(key)
    # Same transaction, through the outbox: the other services learn of every key that exists.
    uow.emit(events.key_issued(key))
    return NewKey(key=key, token=minted.token)


async def create_key(
    uow: UnitOfWork, deps: Deps, caller: Caller, *, name: str, scopes: Sequence[str]
) -> NewKey:
    async def command() -> NewKey:
        return await add_key(uow, deps, caller, name=name, scopes=scopes)

    return await atomically(uow, command)


async def list_keys(
    uow: UnitOfWork, caller: Caller, *, after_id: str | None, limit: int
) -> Slice[ApiKey]:
    async with uow:
        rows = await uow.api_keys.page(caller.tenant_id, after_id=after_id, limit=limit + 1)
    return Slice.of(rows, limit)


async def get_key(uow: UnitOfWork, caller: Caller, key_id: str) -> ApiKey:
    async with uow:
        key = await uow.api_keys.get(caller.tenant_id, key_id)
    if key is None:
        raise NotFoundError("api key", key_id)
    return key


async def revoke_key(uow: UnitOfWork, deps: Deps, caller: Caller, key_id: str) -> ApiKey:
    """Revoke a key (idempotent); the tenant's last active admin key cannot be revoked."""

    async def command() -> ApiKey:
        key = await uow.api_keys.get(caller.tenant_id, key_id)
        if key is None:
            raise NotFoundError("api key", key_id)
        if not key.active:
            return key
        if key.is_admin and await uow.api_keys.count_active_admins(caller.tenant_id) <= 1:
            raise NotAllowedError(
                "this is the tenant's last active admin key: create another admin key first"
            )
        key.revoke(deps.clock.now())
        await uow.api_keys.save(key)
        uow.emit(events.key_revoked(key))
        return key

    key = await atomically(uow, command)
    deps.revocations.forget(key.id)
    return key


REPUBLISH_BATCH = republishing.BATCH


async def republish_keys(uow: UnitOfWork, *, batch_size: int = REPUBLISH_BATCH) -> int:
    """Emit ``ApiKeyIssued`` for every key (and ``ApiKeyRevoked`` for revoked ones), all tenants.

    For keys made before the events existed, and for a service that joins later. Consumers
    apply them as idempotent upserts, so running it again changes nothing. Returns the number
    of keys republished.
    """
    return await republish_all(
        uow,
        lambda after_id, limit: uow.api_keys.page_all(after_id=after_id, limit=limit),
        _key_events,
        batch_size,
    )


def _key_events(key: ApiKey) -> list[Event]:
    issued: list[Event] = [events.key_issued(key)]
    return issued if key.active else [*issued, events.key_revoked(key)]
