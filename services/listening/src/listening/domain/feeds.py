"""A feed source: an RSS or Atom feed a tenant asked us to poll, and its polling state.

The state answers what the API shows (last fetched, last error, next poll, consecutive
failures, disabled) and what the next fetch needs (its validators for a conditional GET, the
entries already seen). Every transition is a pure function of the old state, the time and the
:class:`FeedPolicy`; the poller stores the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from listening.domain.ids import new_id

FeedKind = Literal["rss", "atom"]


@dataclass(frozen=True, slots=True)
class FeedPolicy:
    """How often feeds are polled and how failures push the next poll out."""

    poll_interval_s: float = 900.0
    retry_base_s: float = 60.0
    """The wait after a first failure; it doubles with each failure after it."""
    backoff_cap_s: float = 6 * 3600.0
    """No wait is longer, Retry-After included."""
    jitter: float = 0.1
    """Successful polls spread by +/- this share, so feeds added together do not stay in step."""
    disable_after_not_found: int = 3
    """Consecutive 404s that disable a feed (a 410 disables it at once)."""
    seen_ids: int = 1000
    """Digests of entry ids remembered per feed (the newest): see :meth:`Feed.unseen`."""


@dataclass(frozen=True, slots=True)
class Validators:
    """What a conditional GET sends back: the feed's last ``ETag`` and ``Last-Modified``."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Feed:
    id: str
    tenant_id: str
    url: str
    name: str | None
    created_at: datetime
    next_poll_at: datetime | None
    """None once disabled: nothing polls it again."""
    kind: FeedKind | None = None
    """What the last successful parse found."""
    validators: Validators = Validators()
    seen: tuple[str, ...] = ()
    """Digests of the entry ids already turned into posts, newest first, at most
    ``FeedPolicy.seen_ids``."""
    last_fetched_at: datetime | None = None
    last_error: str | None = None
    """The last failure's reason, kept after a success (``consecutive_failures`` says whether
    the feed is failing now)."""
    last_error_at: datetime | None = None
    consecutive_failures: int = 0
    not_found_streak: int = 0
    disabled_reason: str | None = None

    @classmethod
    def create(cls, *, tenant_id: str, url: str, name: str | None, now: datetime) -> Feed:
        """A new feed, due at once."""
        cleaned = name.strip() if name else None
        return cls(new_id(), tenant_id, url, cleaned or None, now, next_poll_at=now)

    @property
    def disabled(self) -> bool:
        return self.disabled_reason is not None

    def unseen(self, entry_ids: Sequence[str]) -> list[str]:
        """Of ``entry_ids`` (digests, in the feed's order), those not seen before."""
        seen = set(self.seen)
        return [entry_id for entry_id in dict.fromkeys(entry_ids) if entry_id not in seen]

    def fetched(
        self,
        now: datetime,
        policy: FeedPolicy,
        random: float,
        *,
        kind: FeedKind,
        validators: Validators,
        entry_ids: Sequence[str],
    ) -> Feed:
        """A 200 whose body parsed: ``entry_ids`` are every entry in it (their digests)."""
        current = list(dict.fromkeys(entry_ids))
        listed = set(current)
        kept = current + [seen for seen in self.seen if seen not in listed]
        return replace(
            self._succeeded(now, policy, random),
            kind=kind,
            validators=validators,
            seen=tuple(kept[: policy.seen_ids]),
        )

    def not_modified(self, now: datetime, policy: FeedPolicy, random: float) -> Feed:
        """A 304: nothing changed since the validators were given."""
        return self._succeeded(now, policy, random)

    def failed(
        self,
        now: datetime,
        policy: FeedPolicy,
        random: float,
        *,
        error: str,
        status: int | None = None,
        retry_after_s: float | None = None,
    ) -> Feed:
        """A fetch that brought no feed: backoff, or disabled for a 410 or repeated 404s."""
        failures = self.consecutive_failures + 1
        streak = self.not_found_streak + 1 if status == 404 else 0
        failed = replace(
            self,
            last_fetched_at=now,
            last_error=error,
            last_error_at=now,
            consecutive_failures=failures,
            not_found_streak=streak,
        )
        if status == 410:
            return failed.disable("the feed is gone (410)")
        if streak >= policy.disable_after_not_found:
            return failed.disable(f"not found (404) {streak} times in a row")
        delay = backoff_s(failures, policy, random)
        if retry_after_s is not None:
            delay = min(max(delay, retry_after_s), policy.backoff_cap_s)
        return replace(failed, next_poll_at=now + timedelta(seconds=delay))

    def disable(self, reason: str) -> Feed:
        return replace(self, disabled_reason=reason, next_poll_at=None)

    def _succeeded(self, now: datetime, policy: FeedPolicy, random: float) -> Feed:
        spread = 1 + policy.jitter * (2 * random - 1)
        return replace(
            self,
            last_fetched_at=now,
            consecutive_failures=0,
            not_found_streak=0,
            next_poll_at=now + timedelta(seconds=policy.poll_interval_s * spread),
        )


def backoff_s(failures: int, policy: FeedPolicy, random: float) -> float:
    """The wait after ``failures`` consecutive failures: the base doubled per failure, capped,
    with "equal jitter" (half fixed, half random: ``random`` in [0, 1)), so feeds of one host
    that failed together do not come back together, yet none comes back at once."""
    ceiling = min(policy.retry_base_s * 2.0 ** (failures - 1), policy.backoff_cap_s)
    return ceiling / 2 + ceiling / 2 * random
