"""Conditional GET for the pages (RFC 9110, section 13): ETag and Last-Modified, and 304s.

A page is a function of the release's and the newsroom's versions and of this code's version
(the templates), so those make its ETag; no body is rendered to compare.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request


def etag_of(parts: Iterable[object]) -> str:
    """A strong ETag for a page made of exactly ``parts`` (their ``str`` forms)."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]
    return f'"{digest}"'


@dataclass(frozen=True, slots=True)
class Validators:
    etag: str
    last_modified: datetime

    @classmethod
    def of(cls, parts: Iterable[object], modified: datetime) -> Validators:
        # HTTP dates are in whole seconds, in GMT.
        last_modified = modified.astimezone(UTC).replace(microsecond=0)
        return cls(etag=etag_of(parts), last_modified=last_modified)

    def headers(self) -> dict[str, str]:
        return {
            "ETag": self.etag,
            "Last-Modified": format_datetime(self.last_modified, usegmt=True),
        }


def _opaque(tag: str) -> str:
    return tag.strip().removeprefix("W/")


def etag_matches(request: Request, etag: str) -> bool | None:
    """Whether If-None-Match names ``etag`` (weak comparison); ``None`` without the header."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is None:
        return None
    tags = [_opaque(t) for t in if_none_match.split(",")]
    return "*" in tags or _opaque(etag) in tags


def not_modified(request: Request, validators: Validators) -> bool:
    """Whether the client's copy is current: If-None-Match first; If-Modified-Since without it."""
    matches = etag_matches(request, validators.etag)
    if matches is not None:
        return matches
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an invalid date is ignored (RFC 9110, 13.1.3)
    if since.tzinfo is None:
        return False
    return validators.last_modified <= since
