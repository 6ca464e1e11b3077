"""The newsrooms this service knows of, from the publisher's newsroom events: settings may only
be kept for a newsroom of the caller's tenant. An event applies only over an older version
(redeliveries and the publisher's republish may bring an older one late)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KnownNewsroom:
    tenant_id: str
    newsroom_id: str
    slug: str
    name: str
    version: int
    language: str = "en"
    """Its default language (BCP 47): what the mails to its commenters are written in."""


def newest(current: KnownNewsroom | None, fresh: KnownNewsroom) -> KnownNewsroom:
    if current is not None and current.version > fresh.version:
        return current
    return fresh
