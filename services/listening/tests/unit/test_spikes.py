"""Spike detection on generated series: each series is a stream of mentions replayed one by
one, assessed after each as the service does when it stores a mention."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import pytest

from listening.domain.spikes import (
    DAY_WINDOW,
    HOUR,
    HOUR_WINDOW,
    Bucket,
    QueryActivity,
    Spike,
    assess,
    poisson_tail,
    window_stats,
)

START = datetime(2026, 11, 1, tzinfo=UTC)
DAYS_OF_HISTORY = 15

Arrival = tuple[datetime, bool]  # (when, negative)


def replay(arrivals: Iterable[Arrival]) -> tuple[list[Spike], QueryActivity]:
    activity = QueryActivity()
    spikes: list[Spike] = []
    for number, (at, negative) in enumerate(sorted(arrivals)):
        activity = activity.recorded(f"m{number}", at, negative=negative)
        verdict = assess(activity, at, watched_since=START)
        if verdict.spike is not None:
            spikes.append(verdict.spike)
        kept = {h: b for h, b in activity.buckets.items() if h not in verdict.stale_hours}
        activity = QueryActivity(kept, activity.recent, verdict.episode)
    return spikes, activity


def steady(
    rate_per_hour: float, start: datetime, hours: int, *, negative_share: float = 0.1, seed: int = 1
) -> list[Arrival]:
    """A Poisson process: exponential gaps at the given rate (seeded: the same every run)."""
    chance = random.Random(seed)
    arrivals: list[Arrival] = []
    at = start
    end = start + hours * HOUR
    while True:
        at += timedelta(hours=chance.expovariate(rate_per_hour))
        if at >= end:
            return arrivals
        arrivals.append((at, chance.random() < negative_share))


def burst(at: datetime, count: int, *, minutes: int = 30, negative: bool = False) -> list[Arrival]:
    step = timedelta(minutes=minutes) / count
    return [(at + i * step, negative) for i in range(count)]


def test_a_steady_query_never_spikes() -> None:
    spikes, _ = replay(steady(10, START, 24 * DAYS_OF_HISTORY))
    assert spikes == []


def test_a_steady_slow_query_never_spikes() -> None:
    spikes, _ = replay(steady(0.5, START, 24 * DAYS_OF_HISTORY, seed=7))
    assert spikes == []


def test_a_sudden_burst_spikes_once_in_the_hour_window() -> None:
    history = steady(5, START, 24 * 15)
    burst_at = START + 15 * 24 * HOUR
    spikes, activity = replay([*history, *burst(burst_at, 60)])
    assert len(spikes) == 1
    spike = spikes[0]
    assert spike.trigger == "volume"
    assert spike.stats.window is HOUR_WINDOW
    assert spike.stats.ratio >= 3
    assert len(spike.sample_mention_ids) == 10
    assert activity.episode is not None


def test_slow_growth_spikes_in_the_day_window_only() -> None:
    history = steady(2, START, 24 * 15)
    # then the rate grows from 2/h to 10/h over three days: never near three times the
    # previous 12 hours within an hour
    growth: list[Arrival] = []
    for hour in range(24 * 3):
        rate = 2 + 8 * hour / (24 * 3)
        growth += steady(rate, START + (24 * 15 + hour) * HOUR, 1, seed=100 + hour)
    spikes, _ = replay([*history, *growth])
    assert [spike.stats.window for spike in spikes] == [DAY_WINDOW]
    assert spikes[0].trigger == "volume"


def test_a_jump_in_negative_share_with_flat_volume_spikes_on_share() -> None:
    history = steady(10, START, 24 * 15, negative_share=0.05)
    angry_hour = START + 15 * 24 * HOUR
    angry = [(at, True) for at, _ in steady(10, angry_hour, 1, seed=3)]
    spikes, _ = replay([*history, *angry])
    assert len(spikes) == 1
    assert spikes[0].trigger == "negative_share"
    assert spikes[0].stats.ratio < 3  # the volume stayed as it was
    assert spikes[0].stats.negative_share > 0.5


def test_a_quiet_query_with_a_few_mentions_does_not_spike() -> None:
    a_few = [(START + timedelta(days=day, hours=9), False) for day in range(0, 16, 3)]
    a_few += burst(START + timedelta(days=16, hours=12), 3)
    spikes, _ = replay(a_few)
    assert spikes == []


def test_burst_quiet_burst_is_two_episodes() -> None:
    history = steady(2, START, 24 * 15)
    first = START + 15 * 24 * HOUR
    quiet = steady(2, first + HOUR, 24 * 3, seed=5)
    second = first + (1 + 24 * 3) * HOUR
    spikes, _ = replay([*history, *burst(first, 40), *quiet, *burst(second, 40)])
    assert len(spikes) == 2
    assert [spike.stats.window for spike in spikes] == [HOUR_WINDOW, HOUR_WINDOW]


def test_a_burst_that_flickers_is_one_episode() -> None:
    """Two bursts an hour apart: the second comes before the talk calmed down."""
    history = steady(2, START, 24 * 15)
    at = START + 15 * 24 * HOUR
    spikes, _ = replay([*history, *burst(at, 40), *burst(at + 2 * HOUR, 40)])
    assert len(spikes) == 1


def test_a_new_query_is_not_judged_against_days_it_was_not_watched() -> None:
    """Its first busy day against 14 empty ones would be a spike of nothing."""
    spikes, _ = replay(steady(10, START, 24))
    assert spikes == []


def test_old_buckets_are_pruned() -> None:
    _, activity = replay(steady(1, START, 24 * 30))
    oldest = min(activity.buckets)
    newest = max(activity.buckets)
    assert newest - oldest <= 14 * 24 * HOUR + 26 * HOUR


def test_the_window_weights_its_oldest_hour_by_the_part_still_inside() -> None:
    now = datetime(2026, 12, 3, 10, 15, tzinfo=UTC)
    buckets = {
        datetime(2026, 12, 3, 10, tzinfo=UTC): Bucket(4, 1),
        datetime(2026, 12, 3, 9, tzinfo=UTC): Bucket(8, 4),
        datetime(2026, 12, 3, 8, tzinfo=UTC): Bucket(24, 0),
    }
    stats = window_stats(buckets, now, HOUR_WINDOW)
    assert stats.count == 4 + 8 * 0.75
    assert stats.negative == 1 + 4 * 0.75
    assert stats.expected == 24 / 12
    assert stats.start == now - HOUR


@pytest.mark.parametrize(
    ("k", "mean", "expected"),
    [(0, 3.0, 1.0), (1, 1.0, 0.6321205588), (5, 1.0, 0.0036598468), (2, 10.0, 0.9995006007)],
)
def test_poisson_tail(k: int, mean: float, expected: float) -> None:
    assert poisson_tail(k, mean) == pytest.approx(expected, rel=1e-6)


def test_poisson_tail_of_a_large_mean_does_not_underflow() -> None:
    assert 0.0 < poisson_tail(1200, 1000.0) < 1e-8
