"""Newsrooms as distribution knows them: a read model of the publisher's newsroom events.

It says whose a newsroom is (a channel may only name its own tenant's newsroom), how the public
finds it (its slug), and what emails call it (its name).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Newsroom:
    tenant_id: str
    id: str
    slug: str
    name: str
    default_language: str
    version: int
    domain: str | None = None  # its own domain, where its pages are at the root

    def page_url(self, path: str, domain_scheme: str) -> str:
        """Where one of its pages is (``path`` from the newsroom's root, e.g. ``/subscription/
        confirm/<token>``): on its own domain, else under its slug on this origin."""
        if self.domain:
            return f"{domain_scheme}://{self.domain}{path}"
        return f"/{self.slug}{path}"

    def supersedes(self, stored: Newsroom | None) -> bool:
        """Whether this state may replace ``stored``: not an older version arriving late (a
        redelivery, or a republish racing an edit). An equal version is the same state."""
        return stored is None or self.version >= stored.version
