"""Newsrooms' logos, from the publisher's newsroom events: an item a newsroom shows as its logo
is on every one of its public pages, so anyone may fetch it (like a public release's media).

One record per newsroom; a newer newsroom version replaces an older one (redeliveries and the
publisher's republish bring old events late), so a logo replaced or removed stops being public
unless a public release names it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NewsroomLogo:
    tenant_id: str
    newsroom_id: str
    media_id: str | None  # None: the newsroom has no logo (any more)
    version: int

    def replaces(self, current: NewsroomLogo | None) -> bool:
        return current is None or self.version > current.version
