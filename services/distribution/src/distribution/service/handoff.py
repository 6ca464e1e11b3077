"""Deliveries planned in this process, handed to its worker with what their attempts need.

The release consumer plans a release's posts and webhooks in its transaction, having read the
channels and stored the release's facts. Without a hand-off the worker would find those
deliveries by its search for due work and read the same channels and facts again: three
commands between the commit and the first post. Handed over once the consumer's transaction
committed, they are claimed by id (one command) and attempted with what the planner read.

Nothing depends on the hand-off for correctness: a claim by id takes only deliveries that are
still pending and due in the database, so what another worker claimed first, or what a rolled
back transaction never stored, is skipped; whatever is not handed over (other replicas' work,
email fan-outs, a full hand-off) is found by the due search as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from distribution.domain.channels import Channel
from distribution.domain.delivery import Delivery
from distribution.domain.releases import ReleaseFacts

# Deliveries waiting to be claimed at most; more are left to the due search. Public channels
# are a handful per release, so only a burst of thousands of releases meets this bound.
HANDOFF_LIMIT = 1_000


@dataclass(frozen=True, slots=True)
class Planned:
    """One release's deliveries as planned, with the channels and facts they were planned
    from (one tenant's)."""

    deliveries: tuple[Delivery, ...]
    channels: Mapping[str, Channel]
    release: ReleaseFacts

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(delivery.id for delivery in self.deliveries)


class Handoff:
    """Planned work in two stages: added inside the consumer's transaction (which may still
    roll back and run again), ready once it committed (:meth:`committed`)."""

    def __init__(self, *, limit: int = HANDOFF_LIMIT) -> None:
        self._limit = limit
        self._pending: dict[tuple[str, ...], Planned] = {}
        self._ready: list[Planned] = []

    def add(self, planned: Planned) -> None:
        """Planned in a transaction not yet committed. Running the same plan again (a retried
        transaction) replaces it rather than adding it twice."""
        if planned.deliveries:
            self._pending[planned.key] = planned

    def committed(self) -> None:
        """The consumer's transaction committed: what it planned may be claimed. (What another
        consumer's transaction, still open, planned moves too; its claim then takes nothing,
        and that consumer's commit rings the worker, whose due search finds it.)"""
        for planned in self._pending.values():
            if self.waiting + len(planned.deliveries) <= self._limit:
                self._ready.append(planned)
        self._pending.clear()

    @property
    def waiting(self) -> int:
        """Deliveries ready to be claimed."""
        return sum(len(planned.deliveries) for planned in self._ready)

    def take(self) -> list[Planned]:
        """Everything ready, handed over once."""
        ready, self._ready = self._ready, []
        return ready
