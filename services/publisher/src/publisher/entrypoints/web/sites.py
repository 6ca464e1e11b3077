"""Where a newsroom's pages are: under ``/<slug>/`` on the platform, or at the root of its own
domain. Routes are written for ``/<slug>/...`` (``custom_domains.py`` rewrites a request on a
newsroom's domain to that shape); these helpers turn such a path back into the newsroom's own
place for links and canonical URLs.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request

from publisher.domain.newsroom import Newsroom
from publisher.service.ports import Links, Site

# Set in the request's scope by the custom-domain middleware.
SITE_KEY = "newsroom.site"  # the Site the request's host names
ORIGINAL_PATH_KEY = "newsroom.original_path"  # the path the reader asked for, before rewriting


def home_path(newsroom: Newsroom) -> str:
    """The newsroom's home as a path on its own site: ``/`` on its domain, else ``/<slug>/``."""
    return "/" if newsroom.domain else f"/{quote(newsroom.slug)}/"


def within(newsroom: Newsroom, path: str) -> str:
    """``path`` (``/<slug>/rest``) relative to the newsroom's home: ``rest``."""
    return path.removeprefix(f"/{quote(newsroom.slug)}/")


def site_path(newsroom: Newsroom, path: str) -> str:
    """``/<slug>/rest`` as a path on the newsroom's own site."""
    return home_path(newsroom) + within(newsroom, path)


def page_url(links: Links, newsroom: Newsroom, path: str) -> str:
    """``/<slug>/rest`` as an absolute URL on the newsroom's own site (canonical links)."""
    return links.newsroom_url(newsroom) + within(newsroom, path)


def requested_path(request: Request, path: str) -> str:
    """The path the reader's browser shows: ``path`` unless the request came by a domain."""
    original = request.scope.get(ORIGINAL_PATH_KEY)
    return original if isinstance(original, str) else path


def site_of(request: Request) -> Site | None:
    """The newsroom whose own domain the request came to, if any."""
    site = request.scope.get(SITE_KEY)
    return site if isinstance(site, Site) else None
