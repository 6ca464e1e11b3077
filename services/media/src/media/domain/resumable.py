"""A resumable upload (the tus protocol): a declared length, received in pieces over as many
requests as the client needs, from any replica, until its expiry.

Each request's bytes are stored as one *segment* (a file in storage, through the storage
port: never in memory, never on a replica's own disk). Once the last byte is in, the segments
are read back in order as one body and taken like a streamed upload (the same checks), under
the upload's id as the item's id; then the segments are deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from media.domain.errors import MediaError


class OffsetMismatchError(MediaError):
    """A piece sent for an offset other than the upload's: the client must ask again (409)."""


class PastLengthError(MediaError):
    """More bytes sent than the upload declared (413)."""


@dataclass(frozen=True, slots=True)
class Segment:
    file_id: str
    offset: int
    bytes: int


@dataclass(frozen=True, slots=True)
class ResumableUpload:
    tenant_id: str
    upload_id: str
    length: int
    created_at: datetime
    expires_at: datetime
    filename: str | None = None
    title: str = ""
    offset: int = 0
    segments: tuple[Segment, ...] = ()
    media_id: str | None = None
    """The item made of it, once complete and taken."""
    taking_until: datetime | None = None
    """Once every byte is in: until when the request (or sweep) making its item holds it;
    after that, a sweep may take it (the one holding it died)."""

    @property
    def received(self) -> bool:
        """Every declared byte is in."""
        return self.offset == self.length

    def check_offset(self, offset: int) -> None:
        if offset != self.offset or self.received:
            raise OffsetMismatchError(
                f"The upload is at offset {self.offset} of {self.length}, not {offset}"
            )

    def check_room(self, size: int) -> None:
        if self.offset + size > self.length:
            raise PastLengthError(
                f"The upload declared {self.length} bytes; this piece goes past them"
            )

    def appended(
        self, segment: Segment, expires_at: datetime, taking_until: datetime
    ) -> ResumableUpload:
        """With one more segment; held for taking until ``taking_until`` if that was the
        last."""
        offset = self.offset + segment.bytes
        return replace(
            self,
            offset=offset,
            segments=(*self.segments, segment),
            expires_at=expires_at,
            taking_until=taking_until if offset == self.length else None,
        )
