"""Emitting the events of every stored aggregate again: for aggregates made before their events
existed, and for a service that joins later and must learn what exists."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Protocol, TypeVar

from newsroom_shared.events.base import Event
from publisher.service.ports import UnitOfWork
from publisher.service.transactions import atomically

BATCH = 200  # aggregates per transaction: one page read, its events into the outbox


class Identified(Protocol):
    @property
    def id(self) -> str: ...


A = TypeVar("A", bound=Identified)
Page = Callable[[str | None, int], Awaitable[list[A]]]


async def republish_all(
    uow: UnitOfWork, page: Page[A], events_of: Callable[[A], Iterable[Event]], batch_size: int
) -> int:
    """Every aggregate ``page`` yields (by ascending id, across tenants), its events emitted
    through the outbox a page per transaction; returns how many aggregates."""
    after_id: str | None = None
    total = 0
    while True:
        done = await _republish_page(uow, page, events_of, after_id, batch_size)
        total += len(done)
        if len(done) < batch_size:
            return total
        after_id = done[-1].id


async def _republish_page(
    uow: UnitOfWork,
    page: Page[A],
    events_of: Callable[[A], Iterable[Event]],
    after_id: str | None,
    limit: int,
) -> list[A]:
    async def command() -> list[A]:
        found = await page(after_id, limit)
        for aggregate in found:
            for event in events_of(aggregate):
                uow.emit(event)
        return found

    return await atomically(uow, command)
