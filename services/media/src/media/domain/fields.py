"""The describing fields of an asset, set by staff."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True, slots=True)
class AssetFields:
    title: str = ""
    caption: str = ""
    alt_text: str = ""
    credit: str = ""
    licence: str = ""  # usage terms, e.g. "free for editorial use"
    tags: tuple[str, ...] = field(default_factory=tuple)
    language: str | None = None
    decorative: bool = False  # an image that needs no alt text (publisher checks this)

    def changed(self, **changes: Any) -> AssetFields:
        if "tags" in changes:
            changes["tags"] = tuple(dict.fromkeys(changes["tags"]))  # unique, in order
        return replace(self, **changes)
