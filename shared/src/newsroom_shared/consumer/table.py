"""A service's consumers as data: one :class:`Subscription` row per handler.

Each service declares its table (``SUBSCRIPTIONS`` in ``entrypoints/consumers.py``) and names it
in its ``pyproject.toml`` under the entry point group ``newsroom.subscriptions``. The app factory
registers the rows on the broker (:func:`register`); the event docs read the same rows
(:func:`all_tables`) for the "consumed by" column of ``docs/events.md`` and the receive
operations of ``docs/asyncapi.yaml``. So one file per service says what it consumes, and the
docs cannot drift from it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Generic, TypeVar

from faststream.kafka import KafkaBroker

from newsroom_shared.config import ServiceSettings
from newsroom_shared.consumer.subscribe import EventHandler, group_name, subscribe
from newsroom_shared.events.base import Event
from newsroom_shared.mongo import Database

W = TypeVar("W")
"""The wired service a handler is built from (``Publisher``, ``Distribution``, ...)."""

ENTRY_POINT_GROUP = "newsroom.subscriptions"


@dataclass(frozen=True)
class Subscription(Generic[W]):
    name: str
    """Unique within the service: inbox key, consumer group suffix, metrics label."""
    event: type[Event]
    handler: Callable[[W], EventHandler]
    """Builds the handler from the wired service; it runs in the inbox transaction."""
    purpose: str
    """One line: what the service does with the event (shown in the docs)."""
    on_publish_path: bool = False
    """On the way from publication to the public: fetch with the settings' short wait
    (``kafka_fetch_max_wait_ms``); every other consumer waits up to the longer
    ``kafka_off_path_fetch_max_wait_ms``, sparing idle fetches."""
    serves_the_api: bool = False
    """Keeps something the HTTP side reads (the staff key replica): consumed even in API-only
    replicas (``consumers_enabled`` off), so their revocations apply at once there too."""
    after_commit: Callable[[W], Callable[[], None]] | None = None
    """Builds what to call once a batch's effects are committed (e.g. ring the doorbell of a
    worker in this process that acts on them, instead of letting it find them by polling)."""

    def fetch_max_wait_ms(self, settings: ServiceSettings) -> int:
        if self.on_publish_path:
            return settings.kafka_fetch_max_wait_ms
        return settings.kafka_off_path_fetch_max_wait_ms


def register(
    broker: KafkaBroker,
    table: Sequence[Subscription[W]],
    wired: W,
    *,
    db: Database,
    settings: ServiceSettings,
) -> None:
    """Subscribe the rows of ``table`` (see :func:`~newsroom_shared.consumer.subscribe`): all of
    them, or in an API-only replica (``consumers_enabled`` off) those that serve the API."""
    names = [row.name for row in table]
    if len(set(names)) != len(names):
        raise ValueError(f"subscription names must be unique within a service: {names}")
    for row in table:
        if not (settings.consumers_enabled or row.serves_the_api):
            continue
        subscribe(
            broker,
            event_class=row.event,
            handler=row.handler(wired),
            db=db,
            name=row.name,
            settings=settings,
            fetch_max_wait_ms=row.fetch_max_wait_ms(settings),
            after_commit=row.after_commit(wired) if row.after_commit else None,
        )


@dataclass(frozen=True)
class Consumer:
    """One row of one service's table, as the docs show it."""

    service: str
    name: str
    event: type[Event]
    purpose: str

    def group(self) -> str:
        """The consumer group under the default prefix (``newsroom-<service>.<name>``)."""
        return group_name(f"newsroom-{self.service}", self.name)


def all_tables() -> list[Consumer]:
    """Every installed service's subscriptions, by service name then table order."""
    consumers: list[Consumer] = []
    for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: p.name):
        table: Sequence[Subscription[object]] = point.load()
        consumers.extend(Consumer(point.name, row.name, row.event, row.purpose) for row in table)
    return consumers
