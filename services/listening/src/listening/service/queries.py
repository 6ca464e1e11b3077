"""Listening queries: create, read, list, change, delete (per tenant).

Every change raises the query version in its transaction; each replica's query index compares
that version with its own and rebuilds its matcher (see :mod:`listening.service.query_index`).
"""

from __future__ import annotations

from listening.domain.errors import LimitReachedError, NotFoundError
from listening.domain.queries import ListeningQuery
from listening.domain.spikes import SpikeRule
from listening.service.ports import Deps, UnitOfWork
from listening.service.transactions import atomically
from listening.service.views import Slice


async def create_query(
    uow: UnitOfWork,
    deps: Deps,
    tenant_id: str,
    *,
    name: str,
    text: str,
    spike_thresholds: dict[str, float | int] | None = None,
) -> ListeningQuery:
    """``spike_thresholds``: those the tenant chose (the others keep their defaults)."""
    rule = SpikeRule(**(spike_thresholds or {}))  # type: ignore[arg-type]
    query = ListeningQuery.create(
        tenant_id=tenant_id, name=name, text=text, now=deps.clock.now(), spike_rule=rule
    )

    async def command() -> ListeningQuery:
        if await uow.queries.count(tenant_id) >= deps.max_queries_per_tenant:
            raise LimitReachedError(f"a tenant keeps at most {deps.max_queries_per_tenant} queries")
        await uow.queries.add(query)
        await uow.query_version.bump()
        return query

    return await atomically(uow, command)


async def get_query(uow: UnitOfWork, tenant_id: str, query_id: str) -> ListeningQuery:
    async with uow:
        return await _load(uow, tenant_id, query_id)


async def list_queries(
    uow: UnitOfWork, tenant_id: str, *, after_id: str | None, limit: int
) -> Slice[ListeningQuery]:
    async with uow:
        rows = await uow.queries.page(tenant_id, after_id=after_id, limit=limit + 1)
    return Slice.of(rows, limit)


async def change_query(
    uow: UnitOfWork,
    deps: Deps,
    tenant_id: str,
    query_id: str,
    *,
    name: str | None,
    text: str | None,
    spike_thresholds: dict[str, float | int] | None = None,
) -> ListeningQuery:
    async def command() -> ListeningQuery:
        query = await _load(uow, tenant_id, query_id)
        changed = query.changed(
            name=name, text=text, now=deps.clock.now(), spike_thresholds=spike_thresholds
        )
        await uow.queries.save(changed)
        await uow.query_version.bump()
        return changed

    return await atomically(uow, command)


async def delete_query(uow: UnitOfWork, tenant_id: str, query_id: str) -> None:
    async def command() -> None:
        if not await uow.queries.delete(tenant_id, query_id):
            raise NotFoundError("query", query_id)
        await uow.query_activity.forget(tenant_id, query_id)
        await uow.query_version.bump()

    await atomically(uow, command)


async def _load(uow: UnitOfWork, tenant_id: str, query_id: str) -> ListeningQuery:
    query = await uow.queries.get(tenant_id, query_id)
    if query is None:
        raise NotFoundError("query", query_id)
    return query
