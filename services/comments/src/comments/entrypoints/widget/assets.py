"""The widget's files, read once from this package, each with a content hash.

``widget.js`` keeps one address for every page that embeds it (it cannot be renamed on
outside blogs), so it is cached briefly and revalidated by its ETag. What the frame loads is
named by its content hash and cached for a year: a new release of the files is a new name.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

JAVASCRIPT = "text/javascript; charset=utf-8"
CSS = "text/css; charset=utf-8"
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    media_type: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.body).hexdigest()[:16]

    @property
    def etag(self) -> str:
        return f'"{self.digest}"'


@dataclass(frozen=True, slots=True)
class Widget:
    loader: Asset
    """``widget.js``: the one script tag's file."""
    frame: Asset
    """The frame's HTML page, naming the hashed files below."""
    hashed: dict[str, Asset]
    """``frame.<hash>.js`` and ``frame.<hash>.css`` by name."""


def _read(name: str) -> bytes:
    return (files("comments.entrypoints.widget") / "static" / name).read_bytes()


@cache
def widget() -> Widget:
    script = Asset(_read("frame.js"), JAVASCRIPT)
    styles = Asset(_read("frame.css"), CSS)
    hashed = {f"frame.{script.digest}.js": script, f"frame.{styles.digest}.css": styles}
    page = (
        _read("frame.html")
        .replace(b"__FRAME_JS__", f"frame.{script.digest}.js".encode())
        .replace(b"__FRAME_CSS__", f"frame.{styles.digest}.css".encode())
    )
    loader = Asset(_read("widget.js"), JAVASCRIPT)
    return Widget(loader=loader, frame=Asset(page, HTML), hashed=hashed)
