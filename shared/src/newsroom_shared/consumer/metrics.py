"""Prometheus counters of consumed events and dead letters (default registry)."""

from __future__ import annotations

from typing import Literal

from prometheus_client import Counter

Outcome = Literal["applied", "duplicate", "dead_lettered"]
ReasonKind = Literal["invalid", "permanent", "exhausted"]

EVENTS_CONSUMED = Counter(
    "newsroom_events_consumed",
    "Events a consumer finished with, by outcome (applied, duplicate, dead_lettered)",
    ["topic", "consumer", "outcome"],
)

DEAD_LETTERS = Counter(
    "newsroom_dead_letters",
    "Messages sent to <topic>.dlq, by reason kind (invalid, permanent, exhausted)",
    ["topic", "consumer", "reason_kind"],
)


def count_consumed(topic: str, consumer: str, outcome: Outcome, amount: int) -> None:
    if amount:
        EVENTS_CONSUMED.labels(topic=topic, consumer=consumer, outcome=outcome).inc(amount)


def count_dead_letter(topic: str, consumer: str, reason_kind: ReasonKind) -> None:
    DEAD_LETTERS.labels(topic=topic, consumer=consumer, reason_kind=reason_kind).inc()
