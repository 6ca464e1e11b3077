"""In-memory fakes of the service ports, so use cases run without I/O (cosmicpython style)."""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import count
from typing import Any

import pytest

from newsroom_shared.events.base import Event
from newsroom_testing.clock import FakeClock
from publisher.domain.api_key import ApiKey, compose_token
from publisher.domain.archive import Month, MonthCount, Period, TagCount
from publisher.domain.errors import AlreadyExistsError, ConcurrentModificationError
from publisher.domain.gallery import KnownGallery
from publisher.domain.history import ReleaseVersion
from publisher.domain.media import MediaItem
from publisher.domain.newsroom import Newsroom
from publisher.domain.release import Release
from publisher.domain.search import index_terms
from publisher.domain.tenant import Tenant
from publisher.domain.workflow import Status
from publisher.service.ports import (
    Caller,
    Deps,
    DueRelease,
    MintedKey,
    PublicPosition,
    ReleaseFilter,
    Site,
)


@dataclass
class Store:
    """Everything the fake database holds; copied on read so callers cannot change it in place."""

    tenants: dict[str, Tenant] = field(default_factory=dict)
    newsrooms: dict[str, Newsroom] = field(default_factory=dict)
    keys: dict[str, ApiKey] = field(default_factory=dict)
    releases: dict[str, Release] = field(default_factory=dict)
    versions: dict[tuple[str, int], ReleaseVersion] = field(default_factory=dict)
    media: dict[tuple[str, str], MediaItem] = field(default_factory=dict)
    galleries: dict[tuple[str, str], KnownGallery] = field(default_factory=dict)
    outbox: list[Event] = field(default_factory=list)


def _page(rows: list[Any], after_id: str | None, limit: int) -> list[Any]:
    rows = sorted(rows, key=lambda r: r.id, reverse=True)
    if after_id is not None:
        rows = [r for r in rows if r.id < after_id]
    return copy.deepcopy(rows[:limit])


class FakeTenants:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def add(self, tenant: Tenant) -> None:
        self.s.tenants[tenant.id] = copy.deepcopy(tenant)

    async def get(self, tenant_id: str) -> Tenant | None:
        return copy.deepcopy(self.s.tenants.get(tenant_id))


class FakeNewsrooms:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def add(self, newsroom: Newsroom) -> None:
        if any(n.slug == newsroom.slug for n in self.s.newsrooms.values()):
            raise AlreadyExistsError(f"newsroom slug {newsroom.slug!r} is taken")
        self._refuse_taken_domain(newsroom)
        self.s.newsrooms[newsroom.id] = copy.deepcopy(newsroom)

    def _refuse_taken_domain(self, newsroom: Newsroom) -> None:
        if newsroom.domain and any(
            n.domain == newsroom.domain and n.id != newsroom.id for n in self.s.newsrooms.values()
        ):
            raise AlreadyExistsError(f"domain {newsroom.domain!r} is taken by another newsroom")

    async def get(self, tenant_id: str, newsroom_id: str) -> Newsroom | None:
        found = self.s.newsrooms.get(newsroom_id)
        return copy.deepcopy(found) if found and found.tenant_id == tenant_id else None

    async def get_by_slug(self, slug: str) -> Newsroom | None:
        found = [n for n in self.s.newsrooms.values() if n.slug == slug]
        return copy.deepcopy(found[0]) if found else None

    async def page(self, tenant_id: str, *, after_id: str | None, limit: int) -> list[Newsroom]:
        mine = [n for n in self.s.newsrooms.values() if n.tenant_id == tenant_id]
        return _page(mine, after_id, limit)

    async def page_all(self, *, after_id: str | None, limit: int) -> list[Newsroom]:
        rows = sorted(self.s.newsrooms.values(), key=lambda n: n.id)
        return copy.deepcopy([n for n in rows if after_id is None or n.id > after_id][:limit])

    async def sites(self) -> list[Site]:
        return [Site(n.domain, n.slug) for n in self.s.newsrooms.values() if n.domain]

    async def save(self, newsroom: Newsroom) -> None:
        self._refuse_taken_domain(newsroom)
        self.s.newsrooms[newsroom.id] = copy.deepcopy(newsroom)


class FakeKeys:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def add(self, key: ApiKey) -> None:
        self.s.keys[key.id] = copy.deepcopy(key)

    async def get(self, tenant_id: str, key_id: str) -> ApiKey | None:
        found = self.s.keys.get(key_id)
        return copy.deepcopy(found) if found and found.tenant_id == tenant_id else None

    async def find(self, key_id: str) -> ApiKey | None:
        return copy.deepcopy(self.s.keys.get(key_id))

    async def page(self, tenant_id: str, *, after_id: str | None, limit: int) -> list[ApiKey]:
        return _page([k for k in self.s.keys.values() if k.tenant_id == tenant_id], after_id, limit)

    async def page_all(self, *, after_id: str | None, limit: int) -> list[ApiKey]:
        rows = sorted(self.s.keys.values(), key=lambda k: k.id)
        return copy.deepcopy([k for k in rows if after_id is None or k.id > after_id][:limit])

    async def save(self, key: ApiKey) -> None:
        self.s.keys[key.id] = copy.deepcopy(key)

    async def count_active_admins(self, tenant_id: str) -> int:
        keys = self.s.keys.values()
        return sum(1 for k in keys if k.tenant_id == tenant_id and k.active and k.is_admin)

    async def record_use(self, tenant_id: str, key_id: str, now: datetime) -> None:
        key = self.s.keys[key_id]
        if key.tenant_id == tenant_id and key.last_use_is_stale(now):
            key.last_used_at = now


class FakeReleases:
    def __init__(self, store: Store) -> None:
        self.s = store

    def _slug_taken(self, release: Release) -> bool:
        return any(
            r.id != release.id
            and r.tenant_id == release.tenant_id
            and r.newsroom_id == release.newsroom_id
            and r.slug == release.slug
            for r in self.s.releases.values()
        )

    async def add(self, release: Release) -> None:
        if self._slug_taken(release):
            raise ConcurrentModificationError("slug taken")
        self.s.releases[release.id] = copy.deepcopy(release)

    async def get(self, tenant_id: str, release_id: str) -> Release | None:
        found = self.s.releases.get(release_id)
        return copy.deepcopy(found) if found and found.tenant_id == tenant_id else None

    async def get_with_newsroom(
        self, tenant_id: str, release_id: str
    ) -> tuple[Release, Newsroom | None] | None:
        release = await self.get(tenant_id, release_id)
        if release is None:
            return None
        newsroom = self.s.newsrooms.get(release.newsroom_id)
        mine = newsroom is not None and newsroom.tenant_id == tenant_id
        return release, copy.deepcopy(newsroom) if mine else None

    async def save(self, release: Release, *, expected_version: int) -> None:
        stored = self.s.releases.get(release.id)
        if stored is None or stored.version != expected_version or self._slug_taken(release):
            raise ConcurrentModificationError(release.id)
        kept = copy.deepcopy(release)
        kept.translation_group = stored.translation_group  # only set_translation_group writes it
        self.s.releases[release.id] = kept

    async def set_translation_group(
        self, tenant_id: str, release_id: str, group: str | None
    ) -> None:
        stored = self.s.releases[release_id]
        assert stored.tenant_id == tenant_id
        stored.translation_group = group

    async def translations(self, tenant_id: str, groups: Sequence[str]) -> list[Release]:
        return copy.deepcopy(
            [
                r
                for r in self.s.releases.values()
                if r.tenant_id == tenant_id and r.translation_group in groups
            ]
        )

    async def delete(self, release: Release) -> None:
        stored = self.s.releases.get(release.id)
        if stored is None or stored.version != release.version:
            raise ConcurrentModificationError(release.id)
        del self.s.releases[release.id]

    async def page(
        self, tenant_id: str, where: ReleaseFilter, *, after_id: str | None, limit: int
    ) -> list[Release]:
        def keep(r: Release) -> bool:
            published = r.published_at
            since, until = where.published_from, where.published_to
            return (
                r.tenant_id == tenant_id
                and where.newsroom_id in (None, r.newsroom_id)
                and where.status in (None, r.status)
                and (where.tag is None or where.tag in r.content.tags)
                and where.language in (None, r.content.language)
                and (since is None or (published is not None and published >= since))
                and (until is None or (published is not None and published < until))
            )  # fmt: skip

        return _page([r for r in self.s.releases.values() if keep(r)], after_id, limit)

    async def list_published(
        self,
        tenant_id: str,
        newsroom_id: str,
        *,
        tag: str | None,
        language: str | None,
        after: PublicPosition | None,
        limit: int,
        within: Period | None = None,
    ) -> list[Release]:
        rows = [
            r
            for r in self._published(tenant_id, newsroom_id)
            if (tag is None or tag in r.content.tags)
            and language in (None, r.content.language)
            and (within is None or within.start <= r.published_at < within.end)  # type: ignore[operator]
        ]
        rows.sort(key=lambda r: (r.published_at, r.id), reverse=True)
        if after is not None:
            rows = [
                r for r in rows if (r.published_at, r.id) < (after.published_at, after.release_id)
            ]
        return copy.deepcopy(rows[:limit])

    def _published(self, tenant_id: str, newsroom_id: str) -> list[Release]:
        return [
            r
            for r in self.s.releases.values()
            if (r.tenant_id, r.newsroom_id, r.status) == (tenant_id, newsroom_id, Status.PUBLISHED)
        ]

    async def search_published(
        self, tenant_id: str, newsroom_id: str, variants: Sequence[Sequence[str]], *, limit: int
    ) -> list[Release]:
        rows = [
            r
            for r in self._published(tenant_id, newsroom_id)
            if any(set(v) <= set(index_terms(r.content)) for v in variants)
        ]
        rows.sort(key=lambda r: (r.published_at, r.id), reverse=True)  # type: ignore[arg-type, return-value]
        return copy.deepcopy(rows[:limit])

    async def published_months(self, tenant_id: str, newsroom_id: str) -> list[MonthCount]:
        months = Counter(
            Month(r.published_at.year, r.published_at.month)  # type: ignore[union-attr]
            for r in self._published(tenant_id, newsroom_id)
        )
        return [MonthCount(month, count) for month, count in months.items()]

    async def published_tags(
        self, tenant_id: str, newsroom_id: str, *, limit: int
    ) -> list[TagCount]:
        tags = Counter(t for r in self._published(tenant_id, newsroom_id) for t in r.content.tags)
        ranked = sorted(tags.items(), key=lambda item: (-item[1], item[0]))
        return [TagCount(tag, count) for tag, count in ranked[:limit]]

    async def get_published(self, tenant_id: str, newsroom_id: str, slug: str) -> Release | None:
        for r in self.s.releases.values():
            if (r.tenant_id, r.newsroom_id, r.slug, r.status) == (
                tenant_id, newsroom_id, slug, Status.PUBLISHED,
            ):  # fmt: skip
                return copy.deepcopy(r)
        return None

    async def slugs_taken(self, tenant_id: str, newsroom_id: str, base: str) -> set[str]:
        pattern = re.compile(rf"{re.escape(base)}(-\d+)?")
        return {
            r.slug
            for r in self.s.releases.values()
            if r.tenant_id == tenant_id
            and r.newsroom_id == newsroom_id
            and pattern.fullmatch(r.slug)
        }

    async def due(self, now: datetime, *, limit: int) -> list[DueRelease]:
        due = [r for r in self.s.releases.values() if r.due_at is not None and r.due_at <= now]
        due.sort(key=lambda r: r.due_at or now)
        return [DueRelease(r.tenant_id, r.id) for r in due[:limit]]

    async def referencing_media(self, tenant_id: str, media_id: str) -> list[Release]:
        return copy.deepcopy(
            [
                r
                for r in self.s.releases.values()
                if r.tenant_id == tenant_id and media_id in r.content.media_ids
            ]
        )


class FakeVersions:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def add(self, version: ReleaseVersion) -> None:
        key = (version.release_id, version.version)
        assert key not in self.s.versions, f"version {key} stored twice"
        self.s.versions[key] = version

    async def page(
        self, tenant_id: str, release_id: str, *, after_version: int | None, limit: int
    ) -> list[ReleaseVersion]:
        rows = [
            v
            for (rid, n), v in self.s.versions.items()
            if rid == release_id and v.tenant_id == tenant_id
            and (after_version is None or n < after_version)
        ]  # fmt: skip
        return sorted(rows, key=lambda v: v.version, reverse=True)[:limit]

    async def get(self, tenant_id: str, release_id: str, version: int) -> ReleaseVersion | None:
        found = self.s.versions.get((release_id, version))
        return found if found and found.tenant_id == tenant_id else None

    async def delete_all(self, tenant_id: str, release_id: str) -> None:
        for key in [k for k, v in self.s.versions.items() if k[0] == release_id]:
            if self.s.versions[key].tenant_id == tenant_id:
                del self.s.versions[key]


class FakeMedia:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def get(self, tenant_id: str, media_id: str) -> MediaItem | None:
        return self.s.media.get((tenant_id, media_id))

    async def get_many(self, tenant_id: str, media_ids: Sequence[str]) -> dict[str, MediaItem]:
        return {
            i: self.s.media[(tenant_id, i)] for i in media_ids if (tenant_id, i) in self.s.media
        }

    async def put(self, item: MediaItem) -> None:
        self.s.media[(item.tenant_id, item.media_id)] = item


class FakeGalleries:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def get(self, tenant_id: str, gallery_id: str) -> KnownGallery | None:
        return self.s.galleries.get((tenant_id, gallery_id))

    async def naming(self, tenant_id: str, release_ids: Sequence[str]) -> list[KnownGallery]:
        return [
            g
            for (tenant, _), g in self.s.galleries.items()
            if tenant == tenant_id and g.release_id in release_ids and not g.deleted
        ]

    async def put(self, gallery: KnownGallery) -> None:
        self.s.galleries[(gallery.tenant_id, gallery.gallery_id)] = gallery


class FakeUnitOfWork:
    """Transactions by copy: the store is restored when the block raises."""

    retryable = True

    def __init__(self) -> None:
        self.store = Store()
        self.commits = 0
        self._pending: list[Event] = []
        self._before: Store | None = None
        self.tenants = FakeTenants(self.store)
        self.newsrooms = FakeNewsrooms(self.store)
        self.api_keys = FakeKeys(self.store)
        self.releases = FakeReleases(self.store)
        self.versions = FakeVersions(self.store)
        self.media = FakeMedia(self.store)
        self.galleries = FakeGalleries(self.store)

    @property
    def events(self) -> list[Event]:
        return self.store.outbox

    def emit(self, event: Event) -> None:
        self._pending.append(event)

    async def __aenter__(self) -> FakeUnitOfWork:
        self._before = copy.deepcopy(self.store)
        self._pending = []
        return self

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc is not None:
            assert self._before is not None
            self.store.__dict__.update(copy.deepcopy(self._before).__dict__)
            return
        self.store.outbox.extend(self._pending)
        self.commits += 1


class FakeLinks:
    def release_url(self, newsroom: Newsroom, release_id: str) -> str:
        return f"{self.newsroom_url(newsroom)}releases/{release_id}"

    def newsroom_url(self, newsroom: Newsroom) -> str:
        if newsroom.domain:
            return self.domain_url(newsroom.domain, "/")
        return f"https://news.test/{newsroom.slug}/"

    def site_url(self, path: str) -> str:
        return f"https://news.test{path}"

    def domain_url(self, domain: str, path: str) -> str:
        return f"https://{domain}{path}"

    def site_host(self) -> str:
        return "www.platform.example"  # a host a newsroom could otherwise claim

    def preview_token(self, release: Release, expires_at: datetime) -> str:
        return f"{release.tenant_id}|{release.id}|{expires_at.isoformat()}"

    def preview_url(self, token: str) -> str:
        return f"https://news.test/preview/{token}"

    def read_preview_token(self, token: str, now: datetime) -> tuple[str, str] | None:
        try:
            tenant_id, release_id, expires = token.split("|")
        except ValueError:
            return None
        return (tenant_id, release_id) if datetime.fromisoformat(expires) > now else None

    def preview_expires_at(self, token: str) -> datetime | None:
        return datetime.fromisoformat(token.split("|")[-1])


class FakeSites:
    """Counts how often this process was told a domain changed."""

    def __init__(self) -> None:
        self.forgotten = 0

    def forget(self) -> None:
        self.forgotten += 1


class FakeMinter:
    def __init__(self) -> None:
        self._ids = count(1)

    async def mint(self) -> MintedKey:
        key_id = f"{next(self._ids):024x}"
        token = compose_token(key_id, "s" * 30)
        return MintedKey(key_id=key_id, token=token, secret_hash=f"hash:{token}")


class FakeRevocations:
    def __init__(self) -> None:
        self.forgotten: list[str] = []

    def forget(self, key_id: str) -> None:
        self.forgotten.append(key_id)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def deps(clock: FakeClock) -> Deps:
    return Deps(
        clock=clock,
        links=FakeLinks(),
        keys=FakeMinter(),
        revocations=FakeRevocations(),
        sites=FakeSites(),
    )


@pytest.fixture
def caller() -> Caller:
    return Caller(tenant_id="t" * 24, actor="k" * 24)
