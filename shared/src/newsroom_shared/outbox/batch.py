"""Sending one batch of outbox entries and learning which of them the broker acknowledged."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from newsroom_shared.outbox.producer import Producer
from newsroom_shared.outbox.store import OutboxEntry


@dataclass
class SendOutcome:
    """What the broker acknowledged of a batch, and the first failure if any."""

    delivered: list[str] = field(default_factory=list)
    first_failed: str | None = None
    error: Exception | None = None

    def failed(self, entry_id: str, error: Exception) -> None:
        if self.error is None:
            self.first_failed, self.error = entry_id, error


async def send_batch(producer: Producer, entries: Sequence[OutboxEntry]) -> SendOutcome:
    """Queue the whole batch, then wait for every acknowledgement: the producer groups the
    records per partition and keeps them in order (one request in flight per partition)."""
    acks: list[asyncio.Future[Any]] = []
    outcome = SendOutcome()
    try:
        for entry in entries:
            acks.append(
                await producer.send(entry.topic, entry.value, key=entry.key, headers=entry.headers)
            )
    except Exception as error:  # e.g. no metadata in time; still wait for what was queued
        outcome.failed(entries[len(acks)].id, error)
    results = await asyncio.gather(*acks, return_exceptions=True)
    for entry, result in zip(entries[: len(results)], results, strict=True):
        if isinstance(result, Exception):
            outcome.failed(entry.id, result)
        else:
            outcome.delivered.append(entry.id)
    return outcome
