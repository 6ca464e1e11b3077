"""A release embedded in other sites: its embed card, the code to paste, and oEmbed 1.0.

A blog embeds a release as an ``<iframe>`` of the release's embed card
(``/<slug>/releases/<id>/embed``): a small page with no script, the only one of ours that any site
may frame (``frame-ancestors *``). The frame is sandboxed without scripts and without our origin,
so the host page and the card cannot reach each other; its links open the release in a new tab.
A withdrawn release's card says so (410), so an old embed does not go on showing what the company
took back.

oEmbed (https://oembed.com): ``GET /oembed?url=<release page URL>`` answers a ``rich`` response
whose ``html`` is that iframe; blog engines find the endpoint from the release page's discovery
link. Only JSON is offered: ``format=xml`` answers 501, as the specification asks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from markupsafe import escape

from publisher.domain.values import SLUG_PATTERN

# The card's size when the consumer sets no bound; a consumer's maxwidth/maxheight shrink it.
EMBED_WIDTH = 560
EMBED_HEIGHT = 320
# The smallest card that still shows a title and its link.
EMBED_MIN_WIDTH = 200
EMBED_MIN_HEIGHT = 120
# Frame without scripts or our origin; links may open a tab, which is not sandboxed itself.
SANDBOX = "allow-popups allow-popups-to-escape-sandbox"
# Any site may frame the card, and nothing it loads comes from elsewhere.
EMBED_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https:; frame-ancestors *"
)

_SLUG = SLUG_PATTERN.removeprefix("^").removesuffix("$")
_RELEASE_PATH = re.compile(rf"/(?P<slug>{_SLUG})/releases/(?P<release>[^/]+)/?")
_DOMAIN_RELEASE_PATH = re.compile(r"/releases/(?P<release>[^/]+)/?")


@dataclass(frozen=True, slots=True)
class Size:
    width: int
    height: int

    @classmethod
    def within(cls, max_width: int | None, max_height: int | None) -> Size:
        """The default size, shrunk to the consumer's bounds (never below the minimum)."""
        width = EMBED_WIDTH if max_width is None else min(EMBED_WIDTH, max_width)
        height = EMBED_HEIGHT if max_height is None else min(EMBED_HEIGHT, max_height)
        return cls(max(width, EMBED_MIN_WIDTH), max(height, EMBED_MIN_HEIGHT))


def embed_url(release_url: str) -> str:
    return f"{release_url}/embed"


def release_of(url: str, site: str) -> tuple[str, str] | None:
    """(newsroom slug, release id) of a release page URL on ``site`` (our public origin), else
    ``None``: another site's URL, or not a release page."""
    wanted, given = urlsplit(site), urlsplit(url)
    if (given.scheme, given.netloc.lower()) != (wanted.scheme, wanted.netloc.lower()):
        return None
    prefix = wanted.path.rstrip("/")
    if not given.path.startswith(prefix + "/"):
        return None
    found = _RELEASE_PATH.fullmatch(given.path[len(prefix) :])
    if found is None:
        return None
    return found["slug"], unquote(found["release"])


def release_on_domain(url: str, slugs: Mapping[str, str]) -> tuple[str, str] | None:
    """(newsroom slug, release id) of a release page URL on a newsroom's own domain (``slugs``:
    domain -> slug), else ``None``."""
    given = urlsplit(url)
    slug = slugs.get((given.hostname or "").lower())
    if given.scheme not in ("http", "https") or slug is None:
        return None
    found = _DOMAIN_RELEASE_PATH.fullmatch(given.path)
    return None if found is None else (slug, unquote(found["release"]))


def embed_code(release_url: str, title: str, size: Size) -> str:
    """The ``<iframe>`` a site pastes (escaped: the title is the company's text)."""
    return (
        f'<iframe src="{escape(embed_url(release_url))}" width="{size.width}" '
        f'height="{size.height}" title="{escape(title)}" loading="lazy" '
        f'sandbox="{SANDBOX}" style="border:0;max-width:100%"></iframe>'
    )


def oembed(
    *, release_url: str, title: str, newsroom: str, newsroom_url: str, size: Size, cache_age_s: int
) -> dict[str, Any]:
    """The oEmbed ``rich`` response of a release."""
    return {
        "version": "1.0",
        "type": "rich",
        "title": title,
        "author_name": newsroom,
        "author_url": newsroom_url,
        "provider_name": newsroom,
        "provider_url": newsroom_url,
        "cache_age": cache_age_s,
        "html": embed_code(release_url, title, size),
        "width": size.width,
        "height": size.height,
    }
