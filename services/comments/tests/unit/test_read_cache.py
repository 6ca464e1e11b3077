"""The visitors' read cache: a value (or a known absence) for the TTL, dropped on a write."""

from __future__ import annotations

from comments.adapters.read_cache import ReadCache


class Timer:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_values_and_absences_are_kept_for_the_ttl_then_read_again() -> None:
    timer = Timer()
    cache: ReadCache[str] = ReadCache(5.0, timer=timer)
    assert cache.get("r1") is None
    cache.put("r1", "release")
    cache.put("r2", None)
    assert cache.get("r1") == ("release",)
    assert cache.get("r2") == (None,)  # known absent: no database read either
    timer.now = 5.0
    assert cache.get("r1") is None


def test_a_write_drops_the_entry_and_a_ttl_of_zero_caches_nothing() -> None:
    cache: ReadCache[str] = ReadCache(5.0)
    cache.put("r1", "old")
    cache.drop("r1")
    assert cache.get("r1") is None
    off: ReadCache[str] = ReadCache(0)
    off.put("r1", "value")
    assert off.get("r1") is None
