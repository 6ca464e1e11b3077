"""What a source's adapter skips: an item it cannot read (a status or post that is not what
the far side's API promises). Skipped, logged and counted, never the end of the connection."""

from __future__ import annotations

import logging

from prometheus_client import REGISTRY, Counter

logger = logging.getLogger(__name__)

SKIPPED = Counter(
    "newsroom_listening_malformed_items",
    "Items a source brought that could not be read (skipped), by source kind",
    ["source_kind"],
)


def skip_malformed(source_kind: str, where: str, error: Exception) -> None:
    SKIPPED.labels(source_kind).inc()
    logger.warning("%s: skipped an item that cannot be read (%s): %s", source_kind, where, error)


def skipped_count(source_kind: str) -> float:
    """How many were skipped in this process (tests and probes read it)."""
    value = REGISTRY.get_sample_value(
        "newsroom_listening_malformed_items_total", {"source_kind": source_kind}
    )
    return value or 0.0
