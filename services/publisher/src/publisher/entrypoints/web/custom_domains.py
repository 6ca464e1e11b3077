"""Newsrooms on their own domains: a request's host picks the newsroom, before routing.

On a newsroom's domain (``news.acme.example``) the site's paths are the newsroom's pages at
the root: ``/``, ``/releases/<id>``, ``/tags/<tag>/``, the feeds, ``/sitemap.xml`` and the
rest are rewritten to the ``/<slug>/...`` routes that serve them (the path the reader asked for
stays in the scope, for the page's own links); ``/<slug>/...`` there redirects (301) to the
same path without the slug. The site's own paths (``/robots.txt``, ``/oembed``, ``/preview/``,
the API and health paths: the reserved first segments) are not rewritten; ``robots.txt`` learns
the site from the scope. On any other host, the ``/<slug>/...`` pages of a newsroom that has a
domain answer 301 to the same page there; an unknown host is the platform itself.

The host is the request's ``Host``; ``X-Forwarded-Host`` only when the peer is one of the
proxies named in ``PUBLISHER_FORWARDED_HOST_PROXIES`` (anyone else could name any newsroom's
domain). A pure ASGI middleware; the map of domains is this replica's cached copy
(``adapters/site_map.py``), so a request costs no database lookup.
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address

from starlette.datastructures import Headers
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from publisher.adapters.site_map import SiteDirectory
from publisher.domain.domains import normalise_host
from publisher.domain.newsroom import is_reserved
from publisher.entrypoints.web.sites import ORIGINAL_PATH_KEY, SITE_KEY
from publisher.service.ports import Site

Network = IPv4Network | IPv6Network
SITE_PATHS = frozenset({"robots.txt"})  # the site's own files, also on a newsroom's domain


def request_host(scope: Scope, proxies: Sequence[Network]) -> str:
    """The host the reader asked for, as a domain is stored."""
    headers = Headers(scope=scope)
    forwarded = headers.get("x-forwarded-host")
    if forwarded and _from_proxy(scope, proxies):
        return normalise_host(forwarded.split(",")[-1])  # the last proxy's, ours
    return normalise_host(headers.get("host", ""))


def _from_proxy(scope: Scope, proxies: Sequence[Network]) -> bool:
    client = scope.get("client")
    if not proxies or not client:
        return False
    try:
        peer = ip_address(client[0])
    except ValueError:
        return False
    return any(peer in network for network in proxies)


def route_path(scope: Scope) -> str:
    """The path within the app: ASGI servers put their root path in front of it."""
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def first_segment(path: str) -> str:
    return path.lstrip("/").split("/", 1)[0]


class CustomDomains:
    def __init__(
        self,
        app: ASGIApp,
        directory: SiteDirectory,
        proxies: Sequence[Network] = (),
        scheme: str = "https",
    ) -> None:
        self.app = app
        self.directory = directory
        self.proxies = tuple(proxies)
        self.scheme = scheme

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        segment = first_segment(route_path(scope)) if scope["type"] == "http" else ""
        if scope["type"] != "http" or (is_reserved(segment) and segment not in SITE_PATHS):
            await self.app(scope, receive, send)  # health, API, docs: no lookup at all
            return
        sites = await self.directory.current()
        site = sites.by_domain.get(request_host(scope, self.proxies))
        if site is not None:
            await self._on_domain(site, segment, scope, receive, send)
            return
        elsewhere = sites.by_slug.get(segment)
        if elsewhere is not None:  # /<slug>/... of a newsroom that lives on its own domain
            rest = route_path(scope).lstrip("/")[len(segment) :]
            url = f"{self.scheme}://{elsewhere.domain}/{rest.lstrip('/')}"
            await self._redirect(url, scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _on_domain(
        self, site: Site, segment: str, scope: Scope, receive: Receive, send: Send
    ) -> None:
        path = route_path(scope)
        if segment == site.slug:  # the platform's path for it, on its own domain
            rest = path.lstrip("/")[len(segment) :].lstrip("/")
            await self._redirect(f"/{rest}", scope, receive, send)
            return
        scope = {**scope, SITE_KEY: site}
        if not is_reserved(segment) and segment not in SITE_PATHS:
            root: str = scope.get("root_path", "")
            raw: bytes = scope.get("raw_path") or scope["path"].encode()
            raw = raw.removeprefix(root.encode())  # as sent: %2F in a tag stays escaped
            scope.update(
                path=f"{root}/{site.slug}{path}",
                raw_path=f"{root}/{site.slug}".encode() + raw,
                **{ORIGINAL_PATH_KEY: path},
            )
        await self.app(scope, receive, send)

    @staticmethod
    async def _redirect(url: str, scope: Scope, receive: Receive, send: Send) -> None:
        query = scope.get("query_string", b"").decode("latin-1")
        target = f"{url}?{query}" if query else url
        await RedirectResponse(target, status_code=301)(scope, receive, send)
