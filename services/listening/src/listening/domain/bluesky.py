"""Bluesky posts as Jetstream delivers them: one subscription per deployment to every new post
of the network (``app.bsky.feed.post``), shared by every tenant.

Jetstream numbers its events by ``time_us`` (microseconds since the epoch) and replays from any
such cursor, so the subscription resumes a little before the last one stored; a post delivered
twice is one mention (the mention's dedupe key is the post's URL).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

COLLECTION = "app.bsky.feed.post"


@dataclass(frozen=True, slots=True)
class LinkCard:
    """A post's link card (``app.bsky.embed.external``): the page it links to, with the title
    and description the author's app fetched from it."""

    uri: str
    title: str
    description: str


@dataclass(frozen=True, slots=True)
class BlueskyPost:
    did: str
    """The author's decentralised identifier (``did:plc:...``)."""
    rkey: str
    """The record's key in the author's repository: with the DID, the post's identity."""
    time_us: int
    text: str
    langs: tuple[str, ...]
    created_at: datetime | None
    handle: str | None = None
    """The author's handle, when this subscription heard it (Jetstream's identity events)."""
    link: LinkCard | None = None

    @property
    def uri(self) -> str:
        return f"at://{self.did}/{COLLECTION}/{self.rkey}"

    @property
    def web_url(self) -> str:
        """The post on bsky.app, which accepts a DID where a handle would be (a handle can
        change; the DID cannot)."""
        return f"https://bsky.app/profile/{self.did}/post/{self.rkey}"

    @property
    def author(self) -> str:
        return f"{self.handle} ({self.did})" if self.handle else self.did

    @property
    def matched_text(self) -> str:
        """What is matched: the post's text, then its link card's title and description (a
        post often says only "this!" above the card that names the brand)."""
        if self.link is None:
            return self.text.strip()
        parts = (self.text, self.link.title, self.link.description)
        return "\n\n".join(part.strip() for part in parts if part.strip())


def resume_cursor(stored_time_us: int | None, rewind_s: float) -> int | None:
    """Where a (re)connection asks Jetstream to start: a little before the last event stored,
    because events of the last moments may be reordered; None (live) when nothing is stored."""
    if stored_time_us is None:
        return None
    return max(stored_time_us - int(rewind_s * 1_000_000), 0)
