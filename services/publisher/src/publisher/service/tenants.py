"""Tenants: created by the platform operator, each with its first admin key."""

from __future__ import annotations

from publisher.domain.errors import NotFoundError
from publisher.domain.tenant import Tenant
from publisher.service.api_keys import add_key
from publisher.service.ports import Caller, Deps, UnitOfWork
from publisher.service.transactions import atomically
from publisher.service.views import NewTenant

PLATFORM = "platform"  # the actor of operator actions


async def create_tenant(
    uow: UnitOfWork, deps: Deps, *, name: str, key_name: str = "first admin key"
) -> NewTenant:
    async def command() -> NewTenant:
        tenant = Tenant.create(name, deps.clock.now())
        await uow.tenants.add(tenant)
        caller = Caller(tenant_id=tenant.id, actor=PLATFORM)
        key = await add_key(uow, deps, caller, name=key_name, scopes=["admin"])
        return NewTenant(tenant=tenant, admin_key=key)

    return await atomically(uow, command)


async def get_tenant(uow: UnitOfWork, caller: Caller) -> Tenant:
    async with uow:
        tenant = await uow.tenants.get(caller.tenant_id)
    if tenant is None:
        raise NotFoundError("tenant", caller.tenant_id)
    return tenant
