"""What the use cases need from the outside world, as protocols the adapters implement.

Repositories return domain objects and take the tenant id on every tenant-scoped call. The
few calls without a tenant (public slug lookup, key lookup at authentication, due work of the
scheduler) say so: they are how a tenant is found in the first place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from newsroom_shared.clock import Clock
from newsroom_shared.events.base import Event
from publisher.domain.api_key import ApiKey
from publisher.domain.archive import MonthCount, Period, TagCount
from publisher.domain.gallery import KnownGallery
from publisher.domain.history import ReleaseVersion
from publisher.domain.media import MediaItem
from publisher.domain.newsroom import Newsroom
from publisher.domain.release import Release
from publisher.domain.tenant import Tenant
from publisher.domain.workflow import Status


@dataclass(frozen=True, slots=True)
class ReleaseFilter:
    newsroom_id: str | None = None
    status: Status | None = None
    tag: str | None = None
    language: str | None = None
    published_from: datetime | None = None
    published_to: datetime | None = None


@dataclass(frozen=True, slots=True)
class PublicPosition:
    """Where a public listing page ends: newest first by publication time, then id."""

    published_at: datetime
    release_id: str


@dataclass(frozen=True, slots=True)
class Site:
    """A newsroom served on its own domain."""

    domain: str
    slug: str


@dataclass(frozen=True, slots=True)
class DueRelease:
    tenant_id: str
    release_id: str


class TenantRepository(Protocol):
    async def add(self, tenant: Tenant) -> None: ...
    async def get(self, tenant_id: str) -> Tenant | None: ...


class NewsroomRepository(Protocol):
    async def add(self, newsroom: Newsroom) -> None:
        """Raises AlreadyExistsError when the slug is taken (slugs are global)."""
        ...

    async def get(self, tenant_id: str, newsroom_id: str) -> Newsroom | None: ...
    async def get_by_slug(self, slug: str) -> Newsroom | None:
        """Across tenants: a public URL carries only the slug."""
        ...

    async def page(self, tenant_id: str, *, after_id: str | None, limit: int) -> list[Newsroom]: ...
    async def page_all(self, *, after_id: str | None, limit: int) -> list[Newsroom]:
        """Across tenants, by ascending id: the operator's republish of every newsroom."""
        ...

    async def sites(self) -> list[Site]:
        """Across tenants: every newsroom that has its own domain (a request names a host)."""
        ...

    async def save(self, newsroom: Newsroom) -> None:
        """Raises AlreadyExistsError when the domain is another newsroom's."""
        ...


class ApiKeyRepository(Protocol):
    async def add(self, key: ApiKey) -> None: ...
    async def get(self, tenant_id: str, key_id: str) -> ApiKey | None: ...
    async def find(self, key_id: str) -> ApiKey | None:
        """Across tenants: authentication learns the tenant from the key."""
        ...

    async def page(self, tenant_id: str, *, after_id: str | None, limit: int) -> list[ApiKey]: ...
    async def page_all(self, *, after_id: str | None, limit: int) -> list[ApiKey]:
        """Across tenants, by ascending id: the operator's republish of every key."""
        ...

    async def save(self, key: ApiKey) -> None: ...
    async def count_active_admins(self, tenant_id: str) -> int: ...
    async def record_use(self, tenant_id: str, key_id: str, now: datetime) -> None:
        """Set last_used_at unless it was set less than a minute ago (by any replica)."""
        ...


class ReleaseRepository(Protocol):
    async def add(self, release: Release) -> None:
        """Raises ConcurrentModificationError when another writer just took the slug (retry)."""
        ...

    async def get(self, tenant_id: str, release_id: str) -> Release | None: ...
    async def get_with_newsroom(
        self, tenant_id: str, release_id: str
    ) -> tuple[Release, Newsroom | None] | None:
        """The release and its newsroom (None if the newsroom is gone), read together."""
        ...

    async def save(self, release: Release, *, expected_version: int) -> None:
        """Replace the stored release if its version is still ``expected_version``.

        Raises ConcurrentModificationError otherwise, and when another writer just took a new slug.
        """
        ...

    async def set_translation_group(
        self, tenant_id: str, release_id: str, group: str | None
    ) -> None:
        """Only this writes a release's group (no new version); AlreadyExistsError when the
        group has the release's language already."""
        ...

    async def translations(self, tenant_id: str, groups: Sequence[str]) -> list[Release]:
        """Every release of the ``groups`` (any status)."""
        ...

    async def delete(self, release: Release) -> None:
        """Delete it if unchanged since read, else ConcurrentModificationError."""
        ...

    async def page(
        self, tenant_id: str, where: ReleaseFilter, *, after_id: str | None, limit: int
    ) -> list[Release]:
        """Newest first (by creation)."""
        ...

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
        """Published releases, newest publication first (published ``within``, if given)."""
        ...

    async def search_published(
        self, tenant_id: str, newsroom_id: str, variants: Sequence[Sequence[str]], *, limit: int
    ) -> list[Release]:
        """Published releases holding every stem of one of ``variants``, newest first."""
        ...

    async def published_months(self, tenant_id: str, newsroom_id: str) -> list[MonthCount]:
        """Each month (UTC) with a published release, and how many, in any order."""
        ...

    async def published_tags(
        self, tenant_id: str, newsroom_id: str, *, limit: int
    ) -> list[TagCount]:
        """The tags of published releases, the most used first (then by name)."""
        ...

    async def get_published(
        self, tenant_id: str, newsroom_id: str, slug: str
    ) -> Release | None: ...
    async def slugs_taken(self, tenant_id: str, newsroom_id: str, base: str) -> set[str]:
        """Slugs in the newsroom equal to ``base`` or ``base-<n>``."""
        ...

    async def due(self, now: datetime, *, limit: int) -> list[DueRelease]:
        """Across tenants: scheduled or embargoed releases whose time has come, oldest first."""
        ...

    async def referencing_media(self, tenant_id: str, media_id: str) -> list[Release]: ...


class VersionRepository(Protocol):
    async def add(self, version: ReleaseVersion) -> None: ...
    async def page(
        self, tenant_id: str, release_id: str, *, after_version: int | None, limit: int
    ) -> list[ReleaseVersion]:
        """Newest version first."""
        ...

    async def get(self, tenant_id: str, release_id: str, version: int) -> ReleaseVersion | None: ...
    async def delete_all(self, tenant_id: str, release_id: str) -> None: ...


class MediaRepository(Protocol):
    async def get(self, tenant_id: str, media_id: str) -> MediaItem | None: ...
    async def get_many(self, tenant_id: str, media_ids: Sequence[str]) -> dict[str, MediaItem]: ...
    async def put(self, item: MediaItem) -> None: ...


class GalleryRepository(Protocol):
    """The media service's galleries as last heard (deleted ones as tombstones)."""

    async def get(self, tenant_id: str, gallery_id: str) -> KnownGallery | None: ...
    async def naming(self, tenant_id: str, release_ids: Sequence[str]) -> list[KnownGallery]:
        """The galleries (not deleted) that name any of the releases (a release has one, but
        for a moment two: :func:`~publisher.domain.gallery.current_gallery`)."""
        ...

    async def put(self, gallery: KnownGallery) -> None: ...


class UnitOfWork(Protocol):
    """Repositories over one transaction; events emitted go to the outbox in that transaction.

    ``async with uow:`` opens a transaction and commits it when the block ends without error.
    Write conflicts surface as ConcurrentModificationError; ``retryable`` says whether the caller
    may run the block again (not when the transaction belongs to someone else, e.g. a consumer).
    """

    @property
    def tenants(self) -> TenantRepository: ...
    @property
    def newsrooms(self) -> NewsroomRepository: ...
    @property
    def api_keys(self) -> ApiKeyRepository: ...
    @property
    def releases(self) -> ReleaseRepository: ...
    @property
    def versions(self) -> VersionRepository: ...
    @property
    def media(self) -> MediaRepository: ...
    @property
    def galleries(self) -> GalleryRepository: ...
    @property
    def retryable(self) -> bool: ...

    def emit(self, event: Event) -> None: ...
    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class Links(Protocol):
    """Public URLs of releases, and signed preview links for embargoed ones."""

    def release_url(self, newsroom: Newsroom, release_id: str) -> str:
        """The release's public web page: stable, whatever the release's title becomes (on
        the newsroom's own domain when it has one)."""
        ...

    def newsroom_url(self, newsroom: Newsroom) -> str:
        """The newsroom's home page, ending in ``/`` (its other pages are under it): its own
        domain's root, else ``<origin>/<slug>/``."""
        ...

    def site_url(self, path: str) -> str:
        """A page of the site itself (``/robots.txt``, ``/sitemap.xml``)."""
        ...

    def domain_url(self, domain: str, path: str) -> str:
        """``path`` on a newsroom's own ``domain`` (its ``robots.txt`` names its sitemap)."""
        ...

    def site_host(self) -> str:
        """The platform's own host: no newsroom may claim it as its domain."""
        ...

    def preview_token(self, release: Release, expires_at: datetime) -> str: ...
    def preview_url(self, token: str) -> str: ...
    def read_preview_token(self, token: str, now: datetime) -> tuple[str, str] | None:
        """(tenant id, release id) of a valid, unexpired token, else ``None``."""
        ...

    def preview_expires_at(self, token: str) -> datetime | None:
        """When a token we signed expires (``None``: not ours); check it first with
        :meth:`read_preview_token`."""
        ...


@dataclass(frozen=True, slots=True)
class MintedKey:
    key_id: str
    token: str
    secret_hash: str


class KeyMinter(Protocol):
    """Makes new API key tokens and their hashes (the token itself is never stored)."""

    async def mint(self) -> MintedKey: ...


class KeyRevocations(Protocol):
    """Tells this process's authentication cache that a key is revoked."""

    def forget(self, key_id: str) -> None: ...


class SiteChanges(Protocol):
    """Tells this process's map of newsrooms' domains that a domain changed."""

    def forget(self) -> None: ...


class NoSites:
    """For wiring without pages (tools, unit tests): nothing to forget."""

    def forget(self) -> None:
        return None


class MediaSigner(Protocol):
    """Signed, expiring links to media files not public yet (the media service checks them)."""

    def signed(self, tenant_id: str, url: str, expires_at: datetime) -> str | None:
        """``url`` fetchable until ``expires_at``; None unless it is a file of the tenant."""
        ...


@dataclass(frozen=True, slots=True)
class Deps:
    """Everything use cases need besides the database, wired once in bootstrap."""

    clock: Clock
    links: Links
    keys: KeyMinter
    revocations: KeyRevocations
    sites: SiteChanges = field(default_factory=NoSites)
    media_signer: MediaSigner | None = None  # None: preview pages show no pictures


@dataclass(frozen=True, slots=True)
class Caller:
    """Who runs a command: the tenant it acts in and the actor recorded in history."""

    tenant_id: str
    actor: str
