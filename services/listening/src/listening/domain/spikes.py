"""Spike detection: when talk about a query rises far above its usual level, once per episode.

**What is counted.** Per query, mentions and negative mentions in hourly buckets (UTC hours).
Two windows are compared with the period before them: the last hour against the previous 12
hours, and the last day against the previous 14 days. A window's count is the current (partial)
hour, the whole hours before it, and the oldest hour weighted by the part of it still inside
the window: the usual sliding-window estimate from fixed buckets, so the store keeps one
counter per hour and not one entry per mention. The baseline is the whole hours before that.

**The rule** (:class:`SpikeRule`; the defaults, or a query's own thresholds). A window
*spikes* on volume when all three hold:
- at least ``min_count`` mentions (a quiet query's 2 instead of 0 is no news);
- at least ``min_ratio`` times the expected count (the baseline's rate over the window's
  length; an expected count below 1 counts as 1, as the event's ``ratio`` says): the rise must
  matter to a reader, not only to a test;
- a Poisson tail probability ``P(X >= count)`` of at most ``max_p_value`` with the expected
  count as the mean: the rise must be unlikely as chance at this level. A ratio alone alerts on
  noise for small counts (3 against 1); a significance bound alone alerts on 10 % rises of busy
  queries (1,100 against 1,000 is significant but nobody's emergency). Mentions arrive one by
  one and independently enough for Poisson to be the plain model; over-dispersed talk (news
  cycles) is what ``min_ratio`` absorbs.
It spikes on **negative share** when the same three hold for the negative mentions alone
(against the baseline's negative rate) and the window's negative share is at least
``min_share_rise`` above the baseline's: a jump in anger with flat volume is caught, and a pure
volume burst with the usual mood is reported as volume.

**Episodes** (hysteresis). A query has at most one open episode. It opens when any window
spikes (one ``MentionSpike``, the hour reported before the day), and closes only when no
window is still *elevated*: volume at least ``end_ratio`` times expected with ``min_count``
mentions, or a negative share still ``min_share_rise / 2`` above the baseline with
``min_count`` negatives. A burst that keeps flickering around the start bound therefore raises
one alert, and a new one needs the talk to have calmed down first. The day window keeps an
episode open while a large burst is inside the last 24 hours: one alert per burst, not one per
window. The state is evaluated when a mention of the query is stored, and by a periodic
sweep (:func:`calmed`), so an episode that calmed without further mentions closes on time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

from listening.domain.errors import InvalidSpikeRuleError

HOUR = timedelta(hours=1)
WindowName = Literal["hour", "day"]
Trigger = Literal["volume", "negative_share"]
RECENT_KEPT = 50
"""Newest mentions kept per query, for the spike's sample."""
SAMPLE_SIZE = 10


@dataclass(frozen=True, slots=True)
class Window:
    name: WindowName
    hours: int
    baseline_hours: int


HOUR_WINDOW = Window("hour", 1, 12)
DAY_WINDOW = Window("day", 24, 14 * 24)
WINDOWS = (HOUR_WINDOW, DAY_WINDOW)
HISTORY_HOURS = max(w.hours + w.baseline_hours for w in WINDOWS) + 1
"""Hourly buckets older than this are of no use to any window and are pruned."""


@dataclass(frozen=True, slots=True)
class SpikeRule:
    """The thresholds; a query may set its own (:meth:`checked`), these are the defaults."""

    min_ratio: float = 3.0
    max_p_value: float = 1e-4
    min_share_rise: float = 0.25
    end_ratio: float = 1.5
    hour_min_count: int = 5
    day_min_count: int = 10

    def min_count(self, window: Window) -> int:
        return self.hour_min_count if window.name == "hour" else self.day_min_count

    def checked(self) -> SpikeRule:
        """Itself, or :class:`~listening.domain.errors.InvalidSpikeRuleError` naming the first
        threshold that makes no sense."""
        problems = [
            # Disjoint ranges: an episode never needs more to stay open than to open.
            ("min_ratio", not 2.0 <= self.min_ratio <= 1000.0, "must be 2 to 1000"),
            ("end_ratio", not 1.0 <= self.end_ratio <= 2.0, "must be 1 to 2"),
            ("max_p_value", not 0.0 < self.max_p_value <= 0.05, "must be above 0, at most 0.05"),
            ("min_share_rise", not 0.0 < self.min_share_rise <= 1.0, "must be above 0, at most 1"),
            ("hour_min_count", not 1 <= self.hour_min_count <= 100_000, "must be 1 to 100000"),
            ("day_min_count", not 1 <= self.day_min_count <= 1_000_000, "must be 1 to 1000000"),
        ]
        for name, wrong, why in problems:
            if wrong:
                raise InvalidSpikeRuleError(name, why)
        return self


@dataclass(frozen=True, slots=True)
class Bucket:
    count: int = 0
    negative: int = 0


@dataclass(frozen=True, slots=True)
class RecentMention:
    mention_id: str
    at: datetime
    negative: bool


@dataclass(frozen=True, slots=True)
class Episode:
    started_at: datetime
    window: WindowName


@dataclass(frozen=True, slots=True)
class QueryActivity:
    """What is kept per query: hourly buckets, the newest mentions, the open episode."""

    buckets: Mapping[datetime, Bucket] = field(default_factory=dict)
    recent: tuple[RecentMention, ...] = ()
    episode: Episode | None = None

    def recorded(self, mention_id: str, at: datetime, *, negative: bool) -> QueryActivity:
        """With one more mention (what the store's increment does)."""
        hour = hour_of(at)
        old = self.buckets.get(hour, Bucket())
        buckets = {**self.buckets, hour: Bucket(old.count + 1, old.negative + int(negative))}
        recent = (*self.recent, RecentMention(mention_id, at, negative))[-RECENT_KEPT:]
        return replace(self, buckets=buckets, recent=recent)

    def uncounted(self, mention_id: str, at: datetime, *, negative: bool) -> QueryActivity:
        """Without a mention counted before (what the store's decrement does)."""
        hour = hour_of(at)
        old = self.buckets.get(hour, Bucket())
        bucket = Bucket(max(0, old.count - 1), max(0, old.negative - int(negative)))
        recent = tuple(m for m in self.recent if m.mention_id != mention_id)
        return replace(self, buckets={**self.buckets, hour: bucket}, recent=recent)


def hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


@dataclass(frozen=True, slots=True)
class WindowStats:
    window: Window
    start: datetime
    end: datetime
    count: float
    negative: float
    expected: float
    expected_negative: float
    baseline_share: float

    @property
    def ratio(self) -> float:
        return self.count / max(self.expected, 1.0)

    @property
    def negative_share(self) -> float:
        return min(1.0, self.negative / self.count) if self.count else 0.0

    @property
    def share_rise(self) -> float:
        return self.negative_share - self.baseline_share


def window_stats(buckets: Mapping[datetime, Bucket], now: datetime, window: Window) -> WindowStats:
    current = hour_of(now)
    inside = 1.0 - (now - current) / HOUR  # of the oldest hour, the part still in the window

    def at(hours_back: int) -> Bucket:
        return buckets.get(current - hours_back * HOUR, Bucket())

    recent = [at(k) for k in range(window.hours)]
    oldest = at(window.hours)
    base = [at(k) for k in range(window.hours + 1, window.hours + 1 + window.baseline_hours)]
    base_count = sum(b.count for b in base)
    base_negative = sum(b.negative for b in base)
    scale = window.hours / window.baseline_hours
    return WindowStats(
        window=window,
        start=now - window.hours * HOUR,
        end=now,
        count=sum(b.count for b in recent) + oldest.count * inside,
        negative=sum(b.negative for b in recent) + oldest.negative * inside,
        expected=base_count * scale,
        expected_negative=base_negative * scale,
        baseline_share=base_negative / base_count if base_count else 0.0,
    )


def poisson_tail(k: int, mean: float) -> float:
    """P(X >= k) for X ~ Poisson(mean), summed in log space (large means do not underflow)."""
    if k <= 0:
        return 1.0
    if k <= mean:  # the lower sum is the shorter one
        below = sum(math.exp(_log_pmf(i, mean)) for i in range(k))
        return max(0.0, 1.0 - below)
    total, i = 0.0, k
    while True:  # terms fall by mean / (i + 1) < 1 from here: a few dozen terms
        term = math.exp(_log_pmf(i, mean))
        total += term
        if term <= total * 1e-12:
            return min(1.0, total)
        i += 1


def _log_pmf(i: int, mean: float) -> float:
    return -mean + i * math.log(mean) - math.lgamma(i + 1)


def _unusual(count: float, expected: float, window: Window, rule: SpikeRule) -> bool:
    mean = max(expected, 1.0)
    return (
        count >= rule.min_count(window)
        and count / mean >= rule.min_ratio
        and poisson_tail(math.floor(count), mean) <= rule.max_p_value
    )


def trigger_of(stats: WindowStats, rule: SpikeRule) -> Trigger | None:
    """Why the window spikes, or None."""
    if _unusual(stats.count, stats.expected, stats.window, rule):
        return "volume"
    if stats.share_rise >= rule.min_share_rise and _unusual(
        stats.negative, stats.expected_negative, stats.window, rule
    ):
        return "negative_share"
    return None


def elevated(stats: WindowStats, rule: SpikeRule) -> bool:
    """Still above the end bounds: an open episode stays open."""
    min_count = rule.min_count(stats.window)
    loud = stats.count >= min_count and stats.ratio >= rule.end_ratio
    angry = stats.negative >= min_count and stats.share_rise >= rule.min_share_rise / 2
    return loud or angry


@dataclass(frozen=True, slots=True)
class Spike:
    stats: WindowStats
    trigger: Trigger
    sample_mention_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Assessment:
    spike: Spike | None
    """A new episode began: emit one ``MentionSpike``."""
    episode: Episode | None
    """The episode open after this assessment."""
    stale_hours: tuple[datetime, ...]
    """Buckets no window reaches any more: the store drops them."""

    def changed(self, before: QueryActivity) -> bool:
        return self.episode != before.episode or bool(self.stale_hours)


def assess(
    activity: QueryActivity,
    now: datetime,
    *,
    watched_since: datetime,
    rule: SpikeRule = SpikeRule(),
) -> Assessment:
    """``watched_since``: when the query began to be matched. A window is judged only once its
    whole baseline was watched: a new query's first day is not a spike against 14 empty days."""
    all_stats = _judged(activity, now, watched_since)
    stale = stale_hours(activity, now)
    episode = activity.episode
    if episode is not None and not any(elevated(stats, rule) for stats in all_stats):
        episode = None
    spike = None
    if episode is None:
        spike = _first_spike(all_stats, activity.recent, rule)
        if spike is not None:
            episode = Episode(started_at=now, window=spike.stats.window.name)
    return Assessment(spike, episode, stale)


def calmed(
    activity: QueryActivity,
    now: datetime,
    *,
    watched_since: datetime,
    rule: SpikeRule = SpikeRule(),
) -> bool:
    """Whether an open episode is over at ``now``: no window is still elevated. What a mention
    would find (:func:`assess`), judged without one, so that a query gone quiet closes its
    episode on time; calming down never raises a spike, so nothing is emitted."""
    if activity.episode is None:
        return False
    return not any(elevated(stats, rule) for stats in _judged(activity, now, watched_since))


def stale_hours(activity: QueryActivity, now: datetime) -> tuple[datetime, ...]:
    """Buckets no window reaches any more."""
    horizon = hour_of(now) - HISTORY_HOURS * HOUR
    return tuple(sorted(hour for hour in activity.buckets if hour < horizon))


def _judged(activity: QueryActivity, now: datetime, watched_since: datetime) -> list[WindowStats]:
    return [
        window_stats(activity.buckets, now, window)
        for window in WINDOWS
        if now - (window.hours + window.baseline_hours) * HOUR >= watched_since
    ]


def _first_spike(
    all_stats: list[WindowStats], recent: tuple[RecentMention, ...], rule: SpikeRule
) -> Spike | None:
    for stats in all_stats:
        trigger = trigger_of(stats, rule)
        if trigger is not None:
            return Spike(stats, trigger, _sample(recent, stats, trigger))
    return None


def _sample(
    recent: tuple[RecentMention, ...], stats: WindowStats, trigger: Trigger
) -> tuple[str, ...]:
    """The window's newest mentions; for a negative-share spike, its negative ones first."""
    inside = [m for m in recent if stats.start <= m.at <= stats.end]
    inside.sort(key=lambda m: m.at, reverse=True)
    if trigger == "negative_share":
        inside.sort(key=lambda m: not m.negative)  # stable: newest first within each group
    return tuple(m.mention_id for m in inside[:SAMPLE_SIZE])
