"""HTML as plain text: what a Mastodon status's ``content`` or a feed entry says, for matching
and excerpts.

Block elements and line breaks become line breaks, everything else its text; entities are
decoded. Mastodon marks parts of long links ``invisible`` (the scheme, the tail): those are kept,
so a link reads whole (``https://example.com/a/long/path``) and can name one of our releases.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BREAKS = frozenset(
    {"p", "br", "div", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "ul", "ol"}
)
_SKIPPED = frozenset({"script", "style"})
_BLANK_LINES = re.compile(r"\n\s*\n+")
_SPACES = re.compile(r"[ \t\r\f\v]+")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag in _BREAKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)  # <br />: one break, not an opening and a closing

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parser.parts).split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
