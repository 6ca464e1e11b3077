"""The tenant's published releases as listening knows them (from the publisher's events): a
mention that links to one is about it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from listening.domain.dedupe import url_key

_LINK = re.compile(r"https?://[^\s<>\"')\]]+")


@dataclass(frozen=True, slots=True)
class KnownRelease:
    tenant_id: str
    release_id: str
    url: str
    title: str

    @property
    def url_key(self) -> str:
        return url_key(self.url)


def link_keys(text: str, url: str | None) -> list[str]:
    """The canonical-URL keys of the post's own URL and every link in its text."""
    links = _LINK.findall(text)
    if url:
        links.append(url)
    return sorted({url_key(link.rstrip(".,;:!?")) for link in links})
