"""What the use cases need from the outside world, as protocols the adapters implement.

Repositories return domain objects and take the tenant id on every tenant-scoped call. The one
call without a tenant (``claim_next``: the worker takes work across tenants) says so.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from media.domain.gallery import Gallery
from media.domain.item import MediaItem
from media.domain.kinds import FileType
from media.domain.limits import UploadLimits
from media.domain.logos import NewsroomLogo
from media.domain.releases import KnownRelease
from media.domain.renditions import StoredFile
from media.domain.resumable import ResumableUpload
from media.domain.video import VideoFacts
from newsroom_shared.clock import Clock
from newsroom_shared.events.base import Event
from newsroom_shared.signed_urls import Verdict


class MediaRepository(Protocol):
    async def add(self, item: MediaItem) -> None: ...
    async def get(self, tenant_id: str, media_id: str) -> MediaItem | None:
        """The item unless it is deleted."""
        ...

    async def many(self, tenant_id: str, media_ids: Sequence[str]) -> list[MediaItem]:
        """Those of the items that exist (not deleted), in no particular order."""
        ...

    async def save(self, item: MediaItem, *, expected_version: int) -> None:
        """Replace the stored item if its version is still ``expected_version``, else raise
        ConcurrentModificationError."""
        ...

    async def save_if_unchanged(self, item: MediaItem, *, expected_version: int) -> bool:
        """Like ``save``, but False when the version moved on (nothing is written then)."""
        ...

    async def remove(self, item: MediaItem) -> bool:
        """Forget a deleted item once its files are gone; False if it was already gone."""
        ...

    async def page(self, tenant_id: str, *, after_id: str | None, limit: int) -> list[MediaItem]:
        """Newest first; deleted items are left out."""
        ...

    async def claim_next(self, owner: str, now: datetime, lease_s: float) -> MediaItem | None:
        """Across tenants: one uploaded item nobody holds (or whose claim expired), now held
        by ``owner`` until ``now + lease_s``; or one deleted item whose files remain; when
        neither waits, one processed item queued to be rendered again."""
        ...

    async def processed_after(
        self, tenant_id: str | None, *, after_id: str | None, limit: int
    ) -> list[MediaItem]:
        """Processed items by ascending id after ``after_id``: the tenant's, or with None
        every tenant's (an operator's command serves them all)."""
        ...

    async def extend_claim(
        self, tenant_id: str, media_id: str, owner: str, expires_at: datetime
    ) -> bool:
        """Move the end of ``owner``'s claim on the item; False if it no longer holds it."""
        ...


class UsageRepository(Protocol):
    async def used(self, tenant_id: str) -> int: ...
    async def reserve(self, tenant_id: str, size: int, quota: int) -> bool:
        """Count ``size`` more bytes for the tenant if that stays within ``quota``."""
        ...

    async def add(self, tenant_id: str, size: int) -> None:
        """Count (or, negative, release) bytes whatever the quota: renditions and deletions."""
        ...


class ReleaseRepository(Protocol):
    """The read model of the publisher's releases (fed by its events)."""

    async def get(self, tenant_id: str, release_id: str) -> KnownRelease | None: ...
    async def put(self, release: KnownRelease) -> None: ...
    async def naming(self, tenant_id: str, media_ids: Sequence[str]) -> list[KnownRelease]:
        """The tenant's known releases naming any of the items."""
        ...


class LogoRepository(Protocol):
    """The read model of newsrooms' logos (fed by the publisher's newsroom events)."""

    async def get(self, tenant_id: str, newsroom_id: str) -> NewsroomLogo | None: ...
    async def put(self, logo: NewsroomLogo) -> None: ...
    async def is_logo(self, tenant_id: str, media_id: str) -> bool:
        """Whether a newsroom of the tenant shows the item as its logo."""
        ...


class GalleryRepository(Protocol):
    async def add(self, gallery: Gallery) -> None:
        """Raises ReleaseHasGalleryError when its release has one already."""
        ...

    async def get(self, tenant_id: str, gallery_id: str) -> Gallery | None: ...
    async def of_release(self, tenant_id: str, release_id: str) -> Gallery | None: ...
    async def save(self, gallery: Gallery, *, expected_version: int) -> None:
        """Raises ConcurrentModificationError, or ReleaseHasGalleryError."""
        ...

    async def delete(self, tenant_id: str, gallery_id: str) -> bool: ...
    async def page(self, tenant_id: str, *, after_id: str | None, limit: int) -> list[Gallery]:
        """Newest first."""
        ...

    async def across_tenants(self, *, after_id: str | None, limit: int) -> list[Gallery]:
        """Across tenants (an operator's republishing serves them all): by ascending id."""
        ...


class ResumableUploadRepository(Protocol):
    """tus uploads in progress (and, until they expire, taken ones)."""

    async def add(self, upload: ResumableUpload) -> None: ...
    async def get(self, tenant_id: str, upload_id: str) -> ResumableUpload | None: ...
    async def append(self, upload: ResumableUpload, *, from_offset: int) -> bool:
        """Record ``upload`` (one segment more) if the stored one is still at ``from_offset``
        and not taken; False otherwise (another request got there first, or it is gone)."""
        ...

    async def promised(self, tenant_id: str, now: datetime) -> int:
        """The declared bytes of the tenant's live uploads that have no item yet."""
        ...

    async def hold(self, upload: ResumableUpload, now: datetime, until: datetime) -> bool:
        """Hold a received upload for taking until ``until``, if nobody holds it at ``now``
        and it has no item yet."""
        ...

    async def stalled(self, now: datetime, limit: int) -> list[ResumableUpload]:
        """Across tenants: received uploads with no item whose holder's time is over."""
        ...

    async def taken(self, tenant_id: str, upload_id: str, media_id: str) -> None:
        """Every byte is in an item now: the upload names it and holds no segment."""
        ...

    async def remove(
        self, tenant_id: str, upload_id: str, *, expired_by: datetime | None = None
    ) -> ResumableUpload | None:
        """Forget the upload (only if it expired by ``expired_by``, when given); the
        upload as it was, or None if there was none."""
        ...

    async def expired(self, now: datetime, limit: int) -> list[ResumableUpload]:
        """Across tenants (the expiry sweep serves them all): uploads expired by ``now``."""
        ...


class UnitOfWork(Protocol):
    """Repositories over one transaction; events emitted go to the outbox in that transaction.

    ``async with uow:`` opens a transaction and commits it when the block ends without error.
    """

    @property
    def media(self) -> MediaRepository: ...
    @property
    def usage(self) -> UsageRepository: ...
    @property
    def releases(self) -> ReleaseRepository: ...
    @property
    def logos(self) -> LogoRepository: ...
    @property
    def galleries(self) -> GalleryRepository: ...
    @property
    def resumable(self) -> ResumableUploadRepository: ...
    def emit(self, event: Event) -> None: ...
    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class FileWriter(Protocol):
    """A file being written to storage, chunk by chunk."""

    @property
    def file_id(self) -> str: ...
    async def write(self, chunk: bytes) -> None: ...
    async def close(self) -> None:
        """The file is complete."""
        ...

    async def abort(self) -> None:
        """Nothing of it stays stored."""
        ...


class StoredContent(Protocol):
    """A stored file opened for reading, from any offset."""

    @property
    def length(self) -> int: ...
    def chunks(self, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """The bytes from ``start`` up to ``end`` (exclusive; None: the end), chunk by chunk."""
        ...


@dataclass(frozen=True, slots=True)
class LocalFile:
    """A file on this machine's disk to store: a worker's rendition in its scratch folder."""

    name: str
    content_type: str
    path: str


@dataclass(frozen=True, slots=True)
class PendingFile:
    tenant_id: str
    media_id: str
    file_id: str


class Storage(Protocol):
    """Where files live: one port, GridFS by default.

    A file is *pending* from its creation until ``keep`` says its item records it: a process
    that dies between storing a file and recording it leaves a pending file for ``pending``
    (the sweeper) to find.
    """

    async def create(
        self, tenant_id: str, media_id: str, name: str, content_type: str
    ) -> FileWriter: ...
    async def store(self, tenant_id: str, media_id: str, files: Sequence[LocalFile]) -> list[str]:
        """Local files (a worker's renditions) stored as the item's pending files, in as few
        writes as the backend allows; their ids, in order. If it fails, none of them stays."""
        ...

    async def keep(self, tenant_id: str, file_ids: Sequence[str]) -> None:
        """The files are recorded by their item: no longer pending."""
        ...

    async def pending(self, before: datetime, limit: int) -> list[PendingFile]:
        """Across tenants (the sweeper serves them all): files pending since before ``before``."""
        ...

    async def open(self, tenant_id: str, file_id: str) -> StoredContent | None:
        """The file if it belongs to the tenant, else None."""
        ...

    async def delete(self, tenant_id: str, file_ids: Sequence[str]) -> None: ...
    async def delete_all(self, tenant_id: str, media_id: str, *, keep: frozenset[str]) -> int:
        """Delete the item's files except those in ``keep``; how many were deleted."""
        ...


@dataclass(frozen=True, slots=True)
class ImageHeader:
    width: int
    height: int
    frames: int = 1


class Inspector(Protocol):
    """Tells a file's type from its content and checks its structure; no decoding of pixels."""

    def file_type(self, head: bytes) -> FileType:
        """The type told by the first bytes; raises UploadRefusedError (unknown, SVG...)."""
        ...

    def image_header(self, file_type: FileType, head: bytes) -> ImageHeader | None:
        """Dimensions read from the header, or None when they lie beyond ``head``."""
        ...

    def check_whole(self, file_type: FileType, head: bytes, tail: bytes, size: int) -> None:
        """Raise UploadRefusedError if the file is truncated or is also another kind of file."""
        ...


@dataclass(frozen=True, slots=True)
class Rendered:
    """What the renderer made of an original."""

    renditions: tuple[StoredFile, ...]
    width: int | None
    height: int | None
    blurhash: str | None
    video: VideoFacts | None = None


class RenderFailedError(Exception):
    """The original does not decode (truncated inside, a bomb, corrupt): reject the item."""


class Renderer(Protocol):
    async def render(self, item: MediaItem) -> Rendered:
        """Make and store the item's renditions; raises RenderFailedError when its content is
        unusable (anything else is a passing failure: the item is tried again)."""
        ...


class Links(Protocol):
    def file_url(self, item: MediaItem, file: StoredFile) -> str: ...
    def signed_url(self, path: str, expires_at: datetime) -> str:
        """An absolute URL of one of this service's paths, fetchable until ``expires_at``."""
        ...


class Signatures(Protocol):
    """Checks the signature of a signed link (``expires`` and ``signature`` of its query)."""

    def check(
        self, path: str, expires: str | None, signature: str | None, now: datetime
    ) -> Verdict: ...


@dataclass(frozen=True, slots=True)
class Deps:
    """Everything use cases need besides the database, wired once in bootstrap."""

    clock: Clock
    storage: Storage
    inspector: Inspector
    links: Links
    limits: UploadLimits
    signatures: Signatures
    max_signed_ttl_s: int


@dataclass(frozen=True, slots=True)
class Caller:
    tenant_id: str
