"""The shared page cache's scopes, without servers: a page labelled with parts of a tenant's
pages is outdated by a change to any of them and to nothing else, and a page never outlives
what its route allowed. (The rest of its rules are tested with the publisher's pages.)"""

from __future__ import annotations

from datetime import datetime

from prometheus_client import CollectorRegistry, Counter

from newsroom_shared.http.page_cache import CachedPage, PageCache
from newsroom_shared.page_generations import PageGenerations, version_key
from newsroom_shared.page_versions import PageChanges

LOOKUPS = Counter("test_page_cache_lookups", "test", ["outcome"], registry=CollectorRegistry())


class Versions:
    def __init__(self) -> None:
        self.stored: dict[str, int] = {}

    async def changed_since(self, since: datetime) -> dict[str, int]:
        return dict(self.stored)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def a_cache() -> tuple[PageCache, PageGenerations, Versions, Clock]:
    clock, versions = Clock(), Versions()
    generations = PageGenerations(versions, poll_interval_s=1.0, overlap_s=90, monotonic=clock)
    cache = PageCache(
        generations, max_bytes=100_000, max_age_s=300, lookups=LOOKUPS, monotonic=clock
    )
    await generations.poll()
    return cache, generations, versions, clock


def keep(
    cache: PageCache, key: str, tenant: str, *parts: str, expires_at: float | None = None
) -> None:
    label = PageGenerations.label(cache.generations.snapshot(), tenant, parts)
    page = CachedPage(
        status=200,
        body=key.encode(),
        headers=(("content-type", "application/json"),),
        tenant_id=tenant,
        generation=label,
        stored_at=cache.now(),
        parts=parts,
        expires_at=expires_at,
    )
    cache.put(key, page)


async def test_a_change_to_one_part_outdates_the_pages_showing_it_only() -> None:
    cache, generations, _, _ = await a_cache()
    keep(cache, "thread-1", "acme", "release:1")
    keep(cache, "count-1", "acme", "release:1", "newsroom:n")
    keep(cache, "thread-2", "acme", "release:2")
    keep(cache, "globex-1", "globex", "release:1")  # the same part's name in another tenant

    generations.changed_here({version_key("acme", "release:1")})

    assert cache.get("thread-1") is None
    assert cache.get("count-1") is None
    assert cache.get("thread-2") is not None
    assert cache.get("globex-1") is not None


async def test_a_change_stored_by_another_replica_to_a_second_part_outdates_the_page() -> None:
    cache, generations, versions, _ = await a_cache()
    keep(cache, "count-1", "acme", "release:1", "newsroom:n")
    keep(cache, "thread-1", "acme", "release:1")

    versions.stored = {version_key("acme", "newsroom:n"): 3}
    await generations.poll()

    assert cache.get("count-1") is None
    assert cache.get("thread-1") is not None


async def test_a_page_is_not_kept_past_what_its_route_allowed() -> None:
    cache, generations, _, clock = await a_cache()
    keep(cache, "k", "acme", "release:1", expires_at=clock.now + 5)
    clock.now += 4.9
    await generations.poll()  # the versions are current: only the time is up
    assert cache.get("k") is not None
    clock.now += 0.2
    assert cache.get("k") is None


def test_changes_note_the_tenant_whole_or_a_part_of_it() -> None:
    changes = PageChanges()
    changes.note("acme")
    changes.note("acme", "release:1")
    assert changes.scopes == {"acme": "acme", "acme/release:1": "acme"}
