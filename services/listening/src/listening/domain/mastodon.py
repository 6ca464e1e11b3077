"""A Mastodon source: one instance's public timeline (optionally its local part only) or one of
its hashtag timelines, followed for a tenant, and the statuses it brings.

One replica at a time holds each source's connection (a lease per source); ``last_status_id``
is where it stopped, so a reconnect resumes there: nothing between is lost and, because the
cursor moves in the same transaction as the posts it covers, nothing is emitted twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit

from listening.domain.ids import new_id
from newsroom_shared.outbound_urls import check_outbound_url

TimelineKind = Literal["public", "hashtag"]
SourceState = Literal["starting", "streaming", "polling", "failing"]

# Mastodon's own rule for a hashtag: letters, digits, underscores and middle dots (Unicode).
HASHTAG = re.compile(r"^[^\W][\w·]{0,99}$")


@dataclass(frozen=True, slots=True)
class MastodonSource:
    id: str
    tenant_id: str
    instance_url: str
    """The instance's origin (``https://mastodon.social``), no path, no trailing slash."""
    timeline: TimelineKind
    hashtag: str | None
    local_only: bool
    created_at: datetime
    sealed_token: str | None = None
    """The access token, encrypted (never shown); None: the instance is asked anonymously."""
    last_status_id: str | None = None
    state: SourceState = "starting"
    detail: str | None = None
    """Why the state is what it is (the error of a failing source, a refused stream)."""
    state_at: datetime | None = None

    @classmethod
    def create(
        cls,
        *,
        tenant_id: str,
        instance_url: str,
        timeline: TimelineKind,
        hashtag: str | None,
        local_only: bool,
        sealed_token: str | None,
        now: datetime,
    ) -> MastodonSource:
        return cls(
            new_id(),
            tenant_id,
            instance_url,
            timeline,
            hashtag,
            local_only,
            now,
            sealed_token=sealed_token,
            state_at=now,
        )

    @property
    def identity(self) -> str:
        """What makes two sources of a tenant the same (refused as a duplicate)."""
        return "|".join(
            [self.instance_url, self.timeline, self.hashtag or "", str(self.local_only)]
        )

    @property
    def web_url(self) -> str:
        """The timeline as a person sees it: the source URL of its posts."""
        if self.timeline == "hashtag":
            suffix = "?local=true" if self.local_only else ""
            return f"{self.instance_url}/tags/{self.hashtag}{suffix}"
        return f"{self.instance_url}/public{'/local' if self.local_only else ''}"


def normalise_hashtag(text: str) -> str:
    """A hashtag as Mastodon keys it: without ``#``, lower case; ValueError when it is none."""
    tag = text.strip().removeprefix("#").lower()
    if not HASHTAG.fullmatch(tag):
        raise ValueError(f"{text!r} is not a hashtag (letters, digits and _ only, 1-100)")
    return tag


def later_id(a: str, b: str | None) -> bool:
    """Whether status id ``a`` is newer than ``b`` (None: nothing seen yet). Mastodon's ids are
    decimal strings that grow with time, so a longer one is newer and equal lengths compare as
    text (no conversion: an id is not promised to fit anything)."""
    return b is None or (len(a), a) > (len(b), b)


@dataclass(frozen=True, slots=True)
class MastodonStatus:
    """What listening needs of a status (the adapter reads it from the API's JSON)."""

    id: str
    url: str
    """The status's web page (its ``url``, else its ActivityPub ``uri``)."""
    created_at: datetime
    content_html: str
    spoiler_text: str
    language: str | None
    acct: str
    """The author: ``user`` on the instance itself, ``user@domain`` for remote accounts."""
    reblog: MastodonStatus | None = None
    """A boost: the status boosted, which is what was said."""
    edited_at: datetime | None = None
    """When its author last edited it (None: never)."""

    @property
    def original(self) -> MastodonStatus:
        return self.reblog or self


@dataclass(frozen=True, slots=True)
class StatusEdited:
    """The stream's ``status.update``: a status was edited (its new version)."""

    status: MastodonStatus


@dataclass(frozen=True, slots=True)
class StatusDeleted:
    """The stream's ``delete``: the status with this id (on this instance) is gone."""

    status_id: str


TimelineEvent = MastodonStatus | StatusEdited | StatusDeleted
"""What a timeline's stream says: a new status, an edit, a deletion. Pages (the polling
fallback) show only statuses: neither edits nor deletions can be seen there."""


def status_item(instance_url: str, status_id: str) -> str:
    """A status's id as a deletion names it: ids are the instance's own."""
    return f"{instance_url}/statuses/{status_id}"


def instance_origin(url: str, *, allow_insecure: bool = False) -> str:
    """The instance's origin from what a tenant typed (``https://mastodon.social/``), checked
    against SSRF (:func:`check_outbound_url`: no I/O here; every connection checks again where
    the name resolves). ValueError saying why it is refused."""
    checked = check_outbound_url(url, allow_insecure=allow_insecure)
    parts = urlsplit(checked)
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError("must be the instance's address alone, e.g. https://mastodon.social")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"
