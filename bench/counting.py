"""What a benchmark's unit of work costs in requests that carry over to production.

Local servers are correctness stand-ins: their speed says little about MongoDB's or Apache
Kafka's. The number of database commands and Kafka requests per event, email or post does carry
over, so benchmarks report those beside their timings:

- :class:`Commands`: a PyMongo command listener (``event_listeners=[...]`` on the client under
  test) counting commands by name, and by name and collection (which loop spends what).
  Connection handshakes and heartbeats are not command events.
- :class:`KafkaRequests`: counts the requests every aiokafka client in this process sends, by
  kind (``ProduceRequest``, ``FetchRequest``, ``OffsetCommitRequest``, ...), by wrapping
  ``AIOKafkaClient.send`` for the benchmark's duration. FastStream's consumers and our relay's
  producer are aiokafka clients, so this sees all of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from aiokafka.client import AIOKafkaClient
from fastapi import FastAPI
from pymongo import monitoring


class Commands(monitoring.CommandListener):
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.by_collection: Counter[str] = Counter()
        self.micros_by_collection: Counter[str] = Counter()
        self._keys: dict[tuple[Any, int], str] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        key = f"{event.command_name} {collection_of(event)}"
        self.counts[event.command_name] += 1
        self.by_collection[key] += 1
        self._keys[(event.connection_id, event.request_id)] = key

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self._ended(event)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._ended(event)

    def _ended(
        self, event: monitoring.CommandSucceededEvent | monitoring.CommandFailedEvent
    ) -> None:
        key = self._keys.pop((event.connection_id, event.request_id), None)
        if key is not None:
            self.micros_by_collection[key] += event.duration_micros

    def reset(self) -> None:
        self.counts.clear()
        self.by_collection.clear()
        self.micros_by_collection.clear()
        self._keys.clear()

    def ms_per_collection(self, units: int) -> dict[str, float]:
        """Milliseconds from each command's send to its answer, summed per unit of work by
        ``"<name> <collection>"`` (largest first). Concurrent commands overlap, so the sum is
        not wall time; it shows where a unit's waiting on the database goes."""
        return {
            key: round(micros / 1000 / units, 3)
            for key, micros in self.micros_by_collection.most_common()
        }

    def per(self, units: int) -> dict[str, float]:
        """Commands per unit of work, in total and by name (most frequent first)."""
        report = {"total": sum(self.counts.values()) / units}
        report.update({name: count / units for name, count in self.counts.most_common()})
        return report

    def per_collection(self, units: int) -> dict[str, float]:
        """Commands per unit of work by ``"<name> <collection>"`` (most frequent first)."""
        return {key: count / units for key, count in self.by_collection.most_common()}


def collection_of(event: monitoring.CommandStartedEvent) -> str:
    """The collection a command works on: the value of its first field for most commands
    (``find``, ``update``, ``aggregate`` ...), ``collection`` for a ``getMore``; ``-`` when the
    command names none (``commitTransaction``, a database-wide change stream)."""
    command = event.command
    target = command.get("collection") if event.command_name == "getMore" else None
    if target is None:
        target = command.get(event.command_name)
    return target if isinstance(target, str) else "-"


class KafkaRequests:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    @contextmanager
    def counting(self) -> Iterator[KafkaRequests]:
        original = AIOKafkaClient.send
        counts = self.counts

        async def send(client: AIOKafkaClient, node_id: Any, request: Any, **kw: Any) -> Any:
            counts[type(request).__name__.split("_")[0]] += 1
            return await original(client, node_id, request, **kw)

        AIOKafkaClient.send = send
        try:
            yield self
        finally:
            AIOKafkaClient.send = original

    def reset(self) -> None:
        self.counts.clear()

    def per(self, units: int) -> dict[str, float]:
        report = {"total": sum(self.counts.values()) / units}
        report.update({name: count / units for name, count in self.counts.most_common()})
        return report


def counted_app(create_app: Callable[[], FastAPI]) -> FastAPI:
    """A service's app (``create_app`` imports and builds it) whose MongoDB commands are all
    counted; ``GET /__bench/commands`` answers the counts so far and starts them again. The
    listener is registered before the app is built, so its client reports to it."""
    commands = Commands()
    monitoring.register(commands)
    app = create_app()

    @app.get("/__bench/commands", include_in_schema=False)
    async def counted() -> dict[str, Any]:
        counts = {"by_name": dict(commands.counts), "by_collection": dict(commands.by_collection)}
        commands.reset()
        return counts

    return app
