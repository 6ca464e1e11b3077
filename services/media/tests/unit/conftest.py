"""In-memory fakes of the service layer's ports (tenant-scoped like the real ones)."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Self

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from media.adapters.inspection import ContentInspector
from media.adapters.links import FileLinks
from media.adapters.local_files import copy_into
from media.domain.errors import ConcurrentModificationError, ReleaseHasGalleryError
from media.domain.gallery import Gallery
from media.domain.item import Claim, MediaItem, Status
from media.domain.limits import UploadLimits
from media.domain.logos import NewsroomLogo
from media.domain.releases import KnownRelease
from media.domain.renditions import PUBLIC_ORIGINAL, StoredFile
from media.domain.resumable import ResumableUpload
from media.service.ports import Deps, LocalFile, PendingFile, Rendered, RenderFailedError
from newsroom_shared.events.base import Event
from newsroom_shared.signed_urls import UrlSigner
from newsroom_testing.clock import FakeClock

SIGNER = UrlSigner(["unit-test-key"])

LIMITS = UploadLimits(
    max_image_bytes=2_000_000,
    max_document_bytes=5_000_000,
    max_image_pixels=10_000_000,
    tenant_quota_bytes=3_000_000,
)


@dataclass
class Stored:
    tenant_id: str
    media_id: str
    name: str
    data: bytearray = field(default_factory=bytearray)
    complete: bool = False
    pending: bool = True
    stored_at: datetime | None = None


class FakeWriter:
    def __init__(self, storage: FakeStorage, file_id: str) -> None:
        self._storage = storage
        self.file_id = file_id

    async def write(self, chunk: bytes) -> None:
        self._storage.files[self.file_id].data += chunk

    async def close(self) -> None:
        stored = self._storage.files[self.file_id]
        stored.complete = True
        stored.stored_at = self._storage.clock.now()

    async def abort(self) -> None:
        self._storage.files.pop(self.file_id, None)


class FakeContent:
    def __init__(self, data: bytes) -> None:
        self._data = data

    @property
    def length(self) -> int:
        return len(self._data)

    async def chunks(self, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        yield self._data[start:end]


class FakeStorage:
    def __init__(self, clock: FakeClock) -> None:
        self.files: dict[str, Stored] = {}
        self.clock = clock

    async def keep(self, tenant_id: str, file_ids: Sequence[str]) -> None:
        for file_id in file_ids:
            if file_id in self.files and self.files[file_id].tenant_id == tenant_id:
                self.files[file_id].pending = False

    async def pending(self, before: datetime, limit: int) -> list[PendingFile]:
        found = [
            PendingFile(f.tenant_id, f.media_id, i)
            for i, f in self.files.items()
            if f.pending and f.stored_at is not None and f.stored_at < before
        ]
        return found[:limit]

    async def create(
        self, tenant_id: str, media_id: str, name: str, content_type: str
    ) -> FakeWriter:
        file_id = f"f{len(self.files) + 1}-{name}"
        self.files[file_id] = Stored(tenant_id, media_id, name)
        return FakeWriter(self, file_id)

    async def store(self, tenant_id: str, media_id: str, files: Sequence[LocalFile]) -> list[str]:
        ids = []
        for file in files:
            writer = await self.create(tenant_id, media_id, file.name, file.content_type)
            await copy_into(writer, file.path)
            await writer.close()
            ids.append(writer.file_id)
        return ids

    async def open(self, tenant_id: str, file_id: str) -> FakeContent | None:
        found = self.files.get(file_id)
        if found is None or found.tenant_id != tenant_id or not found.complete:
            return None
        return FakeContent(bytes(found.data))

    async def delete(self, tenant_id: str, file_ids: Sequence[str]) -> None:
        for file_id in file_ids:
            if file_id in self.files and self.files[file_id].tenant_id == tenant_id:
                del self.files[file_id]

    async def delete_all(self, tenant_id: str, media_id: str, *, keep: frozenset[str]) -> int:
        gone = [
            i
            for i, f in self.files.items()
            if f.tenant_id == tenant_id and f.media_id == media_id and i not in keep
        ]
        for file_id in gone:
            del self.files[file_id]
        return len(gone)


class FakeItems:
    def __init__(self) -> None:
        self.items: dict[str, MediaItem] = {}

    async def add(self, item: MediaItem) -> None:
        self.items[item.media_id] = item

    async def get(self, tenant_id: str, media_id: str) -> MediaItem | None:
        item = self.items.get(media_id)
        if item is None or item.tenant_id != tenant_id or item.status is Status.DELETED:
            return None
        return item

    async def many(self, tenant_id: str, media_ids: Sequence[str]) -> list[MediaItem]:
        found = [await self.get(tenant_id, media_id) for media_id in media_ids]
        return [item for item in found if item is not None]

    async def save(self, item: MediaItem, *, expected_version: int) -> None:
        if not await self.save_if_unchanged(item, expected_version=expected_version):
            raise ConcurrentModificationError(item.media_id)

    async def save_if_unchanged(self, item: MediaItem, *, expected_version: int) -> bool:
        current = self.items.get(item.media_id)
        if current is None or current.version != expected_version:
            return False
        self.items[item.media_id] = item
        return True

    async def remove(self, item: MediaItem) -> bool:
        current = self.items.get(item.media_id)
        if current is None or current.status is not Status.DELETED:
            return False
        del self.items[item.media_id]
        return True

    async def page(self, tenant_id: str, *, after_id: str | None, limit: int) -> list[MediaItem]:
        mine = sorted(
            (
                i
                for i in self.items.values()
                if i.tenant_id == tenant_id and i.status is not Status.DELETED
            ),
            key=lambda i: i.media_id,
            reverse=True,
        )
        return [i for i in mine if after_id is None or i.media_id < after_id][:limit]

    async def processed_after(
        self, tenant_id: str | None, *, after_id: str | None, limit: int
    ) -> list[MediaItem]:
        found = sorted(
            (
                i
                for i in self.items.values()
                if i.status is Status.PROCESSED
                and (tenant_id is None or i.tenant_id == tenant_id)
                and (after_id is None or i.media_id > after_id)
            ),
            key=lambda i: i.media_id,
        )
        return found[:limit]

    async def claim_next(self, owner: str, now: datetime, lease_s: float) -> MediaItem | None:
        waiting = [i for i in self.items.values() if i.status in (Status.UPLOADED, Status.DELETED)]
        queued = [i for i in self.items.values() if i.rerender]
        for item in (*waiting, *queued):
            if item.claim is None or item.claim.expires_at <= now:
                claimed = replace(
                    item,
                    claim=Claim(owner, now + timedelta(seconds=lease_s)),
                    version=item.version + 1,
                    attempts=item.attempts + 1,
                )
                self.items[item.media_id] = claimed
                return claimed
        return None

    async def extend_claim(
        self, tenant_id: str, media_id: str, owner: str, expires_at: datetime
    ) -> bool:
        item = self.items.get(media_id)
        if item is None or item.tenant_id != tenant_id or not item.holds_claim(owner):
            return False
        self.items[media_id] = replace(item, claim=Claim(owner, expires_at))
        return True


class FakeUsage:
    def __init__(self) -> None:
        self.bytes: dict[str, int] = {}

    async def used(self, tenant_id: str) -> int:
        return self.bytes.get(tenant_id, 0)

    async def reserve(self, tenant_id: str, size: int, quota: int) -> bool:
        if self.bytes.get(tenant_id, 0) + size > quota:
            return False
        await self.add(tenant_id, size)
        return True

    async def add(self, tenant_id: str, size: int) -> None:
        self.bytes[tenant_id] = self.bytes.get(tenant_id, 0) + size


class FakeReleases:
    def __init__(self) -> None:
        self.releases: dict[tuple[str, str], KnownRelease] = {}

    async def get(self, tenant_id: str, release_id: str) -> KnownRelease | None:
        return self.releases.get((tenant_id, release_id))

    async def put(self, release: KnownRelease) -> None:
        self.releases[(release.tenant_id, release.release_id)] = release

    async def naming(self, tenant_id: str, media_ids: Sequence[str]) -> list[KnownRelease]:
        return [
            r
            for (tenant, _), r in self.releases.items()
            if tenant == tenant_id and set(r.media_ids) & set(media_ids)
        ]


class FakeLogos:
    def __init__(self) -> None:
        self.logos: dict[tuple[str, str], NewsroomLogo] = {}

    async def get(self, tenant_id: str, newsroom_id: str) -> NewsroomLogo | None:
        return self.logos.get((tenant_id, newsroom_id))

    async def put(self, logo: NewsroomLogo) -> None:
        self.logos[(logo.tenant_id, logo.newsroom_id)] = logo

    async def is_logo(self, tenant_id: str, media_id: str) -> bool:
        return any(
            tenant == tenant_id and logo.media_id == media_id
            for (tenant, _), logo in self.logos.items()
        )


class FakeGalleries:
    def __init__(self) -> None:
        self.galleries: dict[str, Gallery] = {}

    def _check_release(self, gallery: Gallery) -> None:
        for other in self.galleries.values():
            same = (other.tenant_id, other.release_id) == (gallery.tenant_id, gallery.release_id)
            if same and gallery.release_id and other.gallery_id != gallery.gallery_id:
                raise ReleaseHasGalleryError(gallery.release_id)

    async def add(self, gallery: Gallery) -> None:
        self._check_release(gallery)
        self.galleries[gallery.gallery_id] = gallery

    async def get(self, tenant_id: str, gallery_id: str) -> Gallery | None:
        found = self.galleries.get(gallery_id)
        return found if found is not None and found.tenant_id == tenant_id else None

    async def of_release(self, tenant_id: str, release_id: str) -> Gallery | None:
        return next(
            (
                g
                for g in self.galleries.values()
                if (g.tenant_id, g.release_id) == (tenant_id, release_id)
            ),
            None,
        )

    async def save(self, gallery: Gallery, *, expected_version: int) -> None:
        current = await self.get(gallery.tenant_id, gallery.gallery_id)
        if current is None or current.version != expected_version:
            raise ConcurrentModificationError(gallery.gallery_id)
        self._check_release(gallery)
        self.galleries[gallery.gallery_id] = gallery

    async def delete(self, tenant_id: str, gallery_id: str) -> bool:
        if await self.get(tenant_id, gallery_id) is None:
            return False
        del self.galleries[gallery_id]
        return True

    async def page(self, tenant_id: str, *, after_id: str | None, limit: int) -> list[Gallery]:
        mine = sorted(
            (g for g in self.galleries.values() if g.tenant_id == tenant_id),
            key=lambda g: g.gallery_id,
            reverse=True,
        )
        return [g for g in mine if after_id is None or g.gallery_id < after_id][:limit]

    async def across_tenants(self, *, after_id: str | None, limit: int) -> list[Gallery]:
        every = sorted(self.galleries.values(), key=lambda g: g.gallery_id)
        return [g for g in every if after_id is None or g.gallery_id > after_id][:limit]


class FakeResumableUploads:
    def __init__(self) -> None:
        self.uploads: dict[str, ResumableUpload] = {}

    async def add(self, upload: ResumableUpload) -> None:
        self.uploads[upload.upload_id] = upload

    async def get(self, tenant_id: str, upload_id: str) -> ResumableUpload | None:
        found = self.uploads.get(upload_id)
        return found if found is not None and found.tenant_id == tenant_id else None

    async def append(self, upload: ResumableUpload, *, from_offset: int) -> bool:
        stored = await self.get(upload.tenant_id, upload.upload_id)
        if stored is None or stored.offset != from_offset or stored.media_id is not None:
            return False
        self.uploads[upload.upload_id] = upload
        return True

    async def promised(self, tenant_id: str, now: datetime) -> int:
        return sum(
            u.length
            for u in self.uploads.values()
            if u.tenant_id == tenant_id and u.media_id is None and u.expires_at > now
        )

    async def hold(self, upload: ResumableUpload, now: datetime, until: datetime) -> bool:
        stored = await self.get(upload.tenant_id, upload.upload_id)
        if stored is None or stored.media_id is not None or stored.taking_until is None:
            return False
        if stored.taking_until > now:
            return False
        self.uploads[upload.upload_id] = replace(stored, taking_until=until)
        return True

    async def stalled(self, now: datetime, limit: int) -> list[ResumableUpload]:
        found = [
            u
            for u in self.uploads.values()
            if u.received and u.media_id is None and u.taking_until and u.taking_until <= now
        ]
        return found[:limit]

    async def taken(self, tenant_id: str, upload_id: str, media_id: str) -> None:
        stored = await self.get(tenant_id, upload_id)
        if stored is not None:
            self.uploads[upload_id] = replace(stored, media_id=media_id, segments=())

    async def remove(
        self, tenant_id: str, upload_id: str, *, expired_by: datetime | None = None
    ) -> ResumableUpload | None:
        stored = await self.get(tenant_id, upload_id)
        if stored is None or (expired_by is not None and stored.expires_at > expired_by):
            return None
        return self.uploads.pop(upload_id)

    async def expired(self, now: datetime, limit: int) -> list[ResumableUpload]:
        found = sorted(
            (u for u in self.uploads.values() if u.expires_at <= now), key=lambda u: u.expires_at
        )
        return found[:limit]


class FakeUnitOfWork:
    """Commits by keeping the events emitted in a block that ended without error."""

    def __init__(self) -> None:
        self.media = FakeItems()
        self.usage = FakeUsage()
        self.releases = FakeReleases()
        self.logos = FakeLogos()
        self.galleries = FakeGalleries()
        self.resumable = FakeResumableUploads()
        self.events: list[Event] = []
        self._pending: list[Event] = []

    def emit(self, event: Event) -> None:
        self._pending.append(event)

    async def __aenter__(self) -> Self:
        self._pending = []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            self.events.extend(self._pending)
        self._pending = []

    def topics(self) -> list[str]:
        return [e.topic for e in self.events]


class FakeRenderer:
    """Makes two renditions and a public original of any image, or fails as told."""

    def __init__(self, storage: FakeStorage) -> None:
        self._storage = storage
        self.fail_with: Exception | None = None
        self.before_return: list[object] = []

    async def render(self, item: MediaItem) -> Rendered:
        if self.fail_with is not None:
            raise self.fail_with
        files = []
        for name in ("thumbnail", "social_card", PUBLIC_ORIGINAL):
            writer = await self._storage.create(item.tenant_id, item.media_id, name, "image/jpeg")
            await writer.write(b"x" * 10)
            await writer.close()
            files.append(
                StoredFile(name, writer.file_id, "image/jpeg", "jpg", name * 8, 10, 1200, 630)
            )
        return Rendered(tuple(files), 2400, 1260, "LKO2?U%2Tw=w]~RBVZRi};RPxuwH")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def storage(clock: FakeClock) -> FakeStorage:
    return FakeStorage(clock)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def deps(clock: FakeClock, storage: FakeStorage) -> Deps:
    return Deps(
        clock=clock,
        storage=storage,
        inspector=ContentInspector(),
        links=FileLinks("https://media.example", SIGNER),
        limits=LIMITS,
        signatures=SIGNER,
        max_signed_ttl_s=86_400,
    )


@pytest.fixture
def renderer(storage: FakeStorage) -> FakeRenderer:
    return FakeRenderer(storage)


__all__ = ["RenderFailedError"]
