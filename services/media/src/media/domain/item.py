"""A media item: one upload, its state, its files and its describing fields.

Its life: ``uploaded`` (stored, checked by its content), then a worker claims it for a while
(``claim``) and it ends ``processed`` (renditions made) or ``rejected`` (it did not decode);
deleting it makes it ``deleted`` until its files are gone.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from media.domain.fields import AssetFields
from media.domain.kinds import Kind
from media.domain.renditions import ORIGINAL, PICTURE_FILES, PUBLIC_ORIGINAL, StoredFile
from media.domain.video import PLAYABLE, VideoFacts


class Status(StrEnum):
    UPLOADED = "uploaded"
    PROCESSED = "processed"
    REJECTED = "rejected"
    DELETED = "deleted"


@dataclass(frozen=True, slots=True)
class Claim:
    """A worker's hold on an item while it renders it; another may take it once expired."""

    owner: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class MediaItem:
    tenant_id: str
    media_id: str
    kind: Kind
    content_type: str
    filename: str
    original: StoredFile
    created_at: datetime
    updated_at: datetime
    status: Status = Status.UPLOADED
    fields: AssetFields = field(default_factory=AssetFields)
    renditions: tuple[StoredFile, ...] = ()
    blurhash: str | None = None
    video: VideoFacts | None = None  # a video's duration and codecs, once processed
    reason: str | None = None  # why it was rejected
    claim: Claim | None = None
    attempts: int = 0  # claims taken to render it: one that keeps failing is given up on
    # A processed item queued to be rendered again (its renditions are not today's set): the
    # worker takes it when no upload waits; it stays processed, its files served, meanwhile.
    rerender: bool = False
    version: int = 1

    @property
    def width(self) -> int | None:
        return self.original.width

    @property
    def height(self) -> int | None:
        return self.original.height

    @property
    def stored_bytes(self) -> int:
        """What the item counts against its tenant's quota: nothing once rejected (its bytes
        were deleted and released then; ``reason`` says it was, even after a deletion)."""
        if self.reason is not None:
            return 0
        return self.original.bytes + sum(r.bytes for r in self.renditions)

    @property
    def files(self) -> tuple[StoredFile, ...]:
        return (self.original, *self.renditions)

    @property
    def public_original(self) -> StoredFile | None:
        """The original as anyone but staff gets it: without personal metadata (made by the
        worker beside the renditions; a PDF's without its author, tools and XMP; a DOCX's or
        PPTX's with its authors' names blanked). A password-protected PDF's is its original
        (nothing of it can be read without the password), and so is a document's processed
        before public originals were made. An image or video processed before then
        has none until it is rendered again: its original is staff-only."""
        cleaned = self._rendition(PUBLIC_ORIGINAL)
        if cleaned is None and self.kind is Kind.DOCUMENT:
            return self.original
        return cleaned

    @property
    def public_files(self) -> tuple[tuple[str, StoredFile], ...]:
        """The files anyone but staff may be given, under the names they are shown: the public
        original as ``original``, then the renditions."""
        cleaned = self.public_original
        first = () if cleaned is None else ((ORIGINAL, cleaned),)
        return (*first, *((f.name, f) for f in self.renditions if f.name != PUBLIC_ORIGINAL))

    def staff_only(self, file: StoredFile) -> bool:
        """The original as uploaded, when a cleaned one stands in for it (or none exists yet)."""
        return file == self.original and file != self.public_original

    @property
    def playable(self) -> StoredFile | None:
        """A video's file a browser plays: the web-playable MP4 made from it, else its public
        original (the upload plays as it is; remuxed, its index first)."""
        if self.video is None:
            return None
        return self._rendition(PLAYABLE) or self.public_original

    def _rendition(self, name: str) -> StoredFile | None:
        return next((f for f in self.renditions if f.name == name), None)

    def file(self, name: str, digest: str) -> StoredFile | None:
        return next((f for f in self.files if f.name == name and f.digest == digest), None)

    @property
    def lacks_current_renditions(self) -> bool:
        """A processed image or video made before some of today's renditions existed (AVIF,
        the public original). Documents are left out: a password-protected PDF never gets a
        public original, so it would never stop lacking one."""
        if self.status is not Status.PROCESSED or self.kind not in (Kind.IMAGE, Kind.VIDEO):
            return False
        return not {r.name for r in self.renditions} >= PICTURE_FILES

    @property
    def rendering_again(self) -> bool:
        """Claimed from the queue of processed items to render again (not a new upload)."""
        return self.status is Status.PROCESSED

    def queued_again(self, now: datetime) -> MediaItem:
        """Queued for the worker to render again; a fresh count of attempts."""
        return self._next(now, rerender=True, attempts=0)

    def rerender_given_up(self, now: datetime) -> MediaItem:
        """Rendering it again failed: it keeps the renditions it has, and leaves the queue."""
        return self._next(now, rerender=False, claim=None)

    @property
    def may_have_other_files(self) -> bool:
        """Whether files of the item other than its original may be stored besides the ones
        its worker is about to record: renditions it has already, or those of an earlier
        claim's worker (which may have died after storing them). Read on the item as claimed:
        its first claim, on an item with no renditions, leaves none."""
        return self.attempts > 1 or bool(self.renditions)

    def claimed(self, owner: str, now: datetime, lease_s: float) -> MediaItem:
        claim = Claim(owner, now + timedelta(seconds=lease_s))
        return self._next(now, claim=claim, attempts=self.attempts + 1)

    def holds_claim(self, owner: str) -> bool:
        return self.claim is not None and self.claim.owner == owner

    def processed(
        self,
        renditions: tuple[StoredFile, ...],
        *,
        width: int | None,
        height: int | None,
        blurhash: str | None,
        now: datetime,
        video: VideoFacts | None = None,
    ) -> MediaItem:
        original = replace(self.original, width=width, height=height)
        return self._next(
            now,
            status=Status.PROCESSED,
            original=original,
            renditions=renditions,
            blurhash=blurhash,
            video=video,
            claim=None,
            rerender=False,
        )

    def rejected(self, reason: str, now: datetime) -> MediaItem:
        return self._next(now, status=Status.REJECTED, reason=reason, renditions=(), claim=None)

    def described(self, fields: AssetFields, now: datetime) -> MediaItem:
        return self._next(now, fields=fields)

    def deleted(self, now: datetime) -> MediaItem:
        return self._next(now, status=Status.DELETED, claim=None)

    def _next(self, now: datetime, **changes: object) -> MediaItem:
        return replace(self, updated_at=now, version=self.version + 1, **changes)  # type: ignore[arg-type]
