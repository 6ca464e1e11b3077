"""Deliveries planned in this process already claimed, handed to its worker with what their
attempts need.

The release consumer plans a release's posts and webhooks in its transaction, having read the
channels and stored the release's facts. Without a hand-off the worker would find those
deliveries by its search for due work, claim them and read the same channels and facts again:
three commands or more between the commit and the first post. With a worker running here, the
planner stores them already claimed for it (``sending`` under a fresh claim token until the
worker's lease runs out, in the planning transaction), and once that transaction committed
they are handed over with the channels and facts: the worker attempts them at once, no command
in between.

Nothing depends on the hand-off for correctness. A claimed delivery is an ordinary claim: if
this process dies after the commit, before or during the attempt, the lease runs out and any
worker's due search takes the delivery over (marked as possibly posted, so the next attempt
looks first, as for any claim). A transaction that rolled back hands nothing over (the hand-off
follows the commit, :meth:`UnitOfWork.on_commit`). What is not claimed at planning (no worker
here, a full hand-off, other replicas' work, email fan-outs) stays ``pending`` for the due
search as before.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from distribution.domain.channels import Channel
from distribution.domain.delivery import Delivery
from distribution.domain.releases import ReleaseFacts

# Deliveries handed over and not yet taken at most; more are planned unclaimed, for the due
# search. Public channels are a handful per release, so only a burst of thousands of releases
# while the worker is busy meets this bound.
HANDOFF_LIMIT = 1_000


@dataclass(frozen=True, slots=True)
class HandoffClaim:
    """The claim planned deliveries are stored under: this process's worker's."""

    owner: str
    token: str
    lease_until: datetime


@dataclass(frozen=True, slots=True)
class Planned:
    """One release's deliveries as planned and claimed, with the channels and facts they were
    planned from (one tenant's)."""

    deliveries: tuple[Delivery, ...]
    channels: Mapping[str, Channel]
    release: ReleaseFacts
    claim: str


class Handoff:
    """Planned work for the worker of this process: open while that worker runs."""

    def __init__(self, *, limit: int = HANDOFF_LIMIT) -> None:
        self._limit = limit
        self._ready: list[Planned] = []
        self._worker: tuple[str, timedelta] | None = None  # (owner, lease) while open

    def open(self, owner: str, lease: timedelta) -> None:
        """The worker here takes hand-offs, claiming as ``owner`` for ``lease``."""
        self._worker = (owner, lease)

    def close(self) -> None:
        """The worker stopped: plan unclaimed again. (What was handed over and not taken
        comes back when its lease runs out.)"""
        self._worker = None

    def claim(self, count: int, now: datetime) -> HandoffClaim | None:
        """The claim to plan ``count`` deliveries under, or None: plan them unclaimed (no
        worker here, or the hand-off is full)."""
        if self._worker is None or count == 0 or self.waiting + count > self._limit:
            return None
        owner, lease = self._worker
        return HandoffClaim(owner, uuid.uuid4().hex, now + lease)

    def add(self, planned: Planned) -> None:
        """Planned and committed (called once the planning transaction committed)."""
        if planned.deliveries:
            self._ready.append(planned)

    @property
    def waiting(self) -> int:
        """Deliveries handed over, not yet taken."""
        return sum(len(planned.deliveries) for planned in self._ready)

    def take(self) -> list[Planned]:
        """Everything handed over, once."""
        ready, self._ready = self._ready, []
        return ready
