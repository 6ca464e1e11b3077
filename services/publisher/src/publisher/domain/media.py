"""What the publisher knows about media items, from the media service's events.

Kept per (tenant, media id) so a release that references an item later still shows its state,
and so late or reordered events (processed and rejected travel on different topics) never
overwrite newer news: the item's own event time decides, and a deletion is final.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from publisher.domain.content import MediaRef, MediaState


class MediaFact(StrEnum):
    PROCESSED = "processed"
    REJECTED = "rejected"
    DELETED = "deleted"


@dataclass(frozen=True, slots=True)
class MediaItem:
    tenant_id: str
    media_id: str
    fact: MediaFact
    happened_at: datetime  # the media service's time of the fact
    updated_at: datetime  # our time of recording it

    def supersedes(self, previous: MediaItem | None) -> bool:
        """Whether this news replaces ``previous`` (newer, and nothing overrides a deletion)."""
        if previous is None:
            return True
        if previous.fact is MediaFact.DELETED:
            return False
        if self.fact is MediaFact.DELETED or self.happened_at > previous.happened_at:
            return True
        return self.happened_at == previous.happened_at and self.fact is not previous.fact

    def as_ref(self) -> MediaRef | None:
        """The ref state releases show, or ``None`` for a deleted item (refs are dropped)."""
        if self.fact is MediaFact.DELETED:
            return None
        state = MediaState.READY if self.fact is MediaFact.PROCESSED else MediaState.REJECTED
        return MediaRef(media_id=self.media_id, state=state, updated_at=self.updated_at)
