"""The one origin's route table, and the Caddyfile made from it.

Browsers see one origin (design.md, "The web"): public pages at ``/`` go to the publisher,
each service's API lives under ``/api/<service>/`` with that prefix stripped (services keep
their own paths and learn the prefix as their ``<SERVICE>_HTTP_ROOT_PATH``, so their OpenAPI
``servers`` and /docs are right behind the proxy), and any other ``/api/`` path is a 404 from
the proxy itself. ``./dev up`` writes a Caddyfile for local upstreams from this table; the
committed ``deploy/proxy/Caddyfile`` (compose) is the same table with the compose names, kept
true by ``shared/tests/test_proxy_routes.py``. A Kubernetes Ingress takes the same routes.

The site address is a port with no host (``:80``), so any host reaches the same routes: a
newsroom's own domain pointed at the proxy gets the pages at ``/`` (the publisher picks the
newsroom by the ``Host``, which Caddy passes through unchanged) and the APIs under ``/api/``.
An Ingress for those domains needs a rule without a host (or one per domain) to the same routes.

Standard library only: ``./dev up`` runs it before anything else is needed.

Usage:
    python deploy/proxy/routes.py compose > deploy/proxy/Caddyfile
    python deploy/proxy/routes.py local --port 8000 publisher=8001 distribution=8004
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Every service of the design with its local port, in ./dev's order; one that has no entry
# point yet (services/<name>/src/<name>/__main__.py) is not routed.
SERVICE_PORTS = {
    "publisher": 8001,
    "media": 8002,
    "comments": 8003,
    "distribution": 8004,
    "listening": 8005,
}
PAGES = "publisher"  # the public newsroom pages, at /
API_PREFIX = "/api"
COMPOSE_LISTEN = ":80"
COMPOSE_SERVICE_PORT = 8000  # what every service listens on inside its container
# Headers the proxy adds to some answers of a service, by the paths the service sees.
# tus resumable uploads (media): browsers' tus clients (Uppy, tus-js-client), on a page of
# another origin too (a CMS embedding the uploader), must be let send the protocol's headers
# and read those of its answers. Any origin: the API takes a bearer key, never a cookie, so a
# page can act only with a key it was given.
TUS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "POST, HEAD, PATCH, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, X-API-Key, Content-Type, Tus-Resumable, "
    "Upload-Length, Upload-Metadata, Upload-Offset",
    "Access-Control-Expose-Headers": "Location, Upload-Offset, Upload-Length, Upload-Metadata, "
    "Upload-Expires, Tus-Resumable, Tus-Version, Tus-Extension, Tus-Max-Size, Media-Id",
    "Access-Control-Max-Age": "86400",
}
PATH_HEADERS: dict[str, list[tuple[str, tuple[str, ...], dict[str, str]]]] = {
    "media": [("tus", ("/v1/uploads", "/v1/uploads/*"), TUS_HEADERS)],
}
UNKNOWN_API = {
    # An RFC 9457 problem like the services' own (newsroom_shared.http.problems).
    "type": "https://newsroom.dev/problems/not-found",
    "title": "Not Found",
    "status": 404,
    "detail": "No service answers at this path: each API is under /api/<service>/.",
    "code": "not_found",
    "errors": [],
}


@dataclass(frozen=True)
class Route:
    """Requests whose path starts with ``prefix`` go to ``service`` (``/`` matches the rest)."""

    prefix: str
    service: str

    @property
    def strips_prefix(self) -> bool:
        return self.prefix != "/"


def existing_services(root: Path = ROOT) -> list[str]:
    return [
        s for s in SERVICE_PORTS if (root / "services" / s / "src" / s / "__main__.py").is_file()
    ]


def api_prefix(service: str) -> str:
    return f"{API_PREFIX}/{service}"


def route_table(services: Sequence[str]) -> list[Route]:
    """Each service's API under its prefix, then the pages at ``/`` (most specific first)."""
    if PAGES not in services:
        raise ValueError(f"the pages' service {PAGES!r} is not among {list(services)}")
    return [*(Route(api_prefix(s), s) for s in services), Route("/", PAGES)]


def _site_lines(routes: Sequence[Route], upstreams: Mapping[str, str]) -> list[str]:
    lines: list[str] = []
    for route in routes:
        upstream = upstreams[route.service]
        if route.strips_prefix:
            lines += [
                f"\t# {route.service}'s API; the service sees its own paths",
                f"\tredir {route.prefix} {route.prefix}/ 308",
                f"\thandle_path {route.prefix}/* {{",
                f"\t\treverse_proxy {upstream}",
                *_header_lines(route.service),  # Caddy runs `header` first wherever it stands
                "\t}",
            ]
        else:
            lines += [
                f"\t# the public pages ({route.service})",
                "\thandle {",
                f"\t\treverse_proxy {upstream}",
                "\t}",
            ]
    return lines


def _header_lines(service: str) -> list[str]:
    """The service's PATH_HEADERS (matched on the path the service sees: handle_path strips
    the prefix before anything inside it runs)."""
    lines: list[str] = []
    for name, paths, headers in PATH_HEADERS.get(service, []):
        lines += [f"\t\t@{name} path {' '.join(paths)}", f"\t\theader @{name} {{"]
        lines += [f'\t\t\t{key} "{value}"' for key, value in headers.items()]
        lines.append("\t\t}")
    return lines


def _unknown_api_lines() -> list[str]:
    body = json.dumps(UNKNOWN_API, separators=(",", ":"))
    return [
        f"\t# any other {API_PREFIX}/ path names no service",
        f"\thandle {API_PREFIX}/* {{",
        "\t\theader Content-Type application/problem+json",
        f"\t\trespond `{body}` 404",
        "\t}",
    ]


def caddyfile(
    routes: Sequence[Route], upstreams: Mapping[str, str], *, listen: str, bind: str | None = None
) -> str:
    """The Caddyfile: plain HTTP on ``listen``, the routes to ``upstreams`` (service -> host:port).

    Caddy's ``handle`` blocks are mutually exclusive and ordered by how specific their path is,
    so each API prefix wins over the unknown-API 404, which wins over the pages at ``/``.
    """
    api = [r for r in routes if r.strips_prefix]
    pages = [r for r in routes if not r.strips_prefix]
    site = [
        *([f"\tbind {bind}"] if bind else []),
        *_site_lines(api, upstreams),
        *_unknown_api_lines(),
        *_site_lines(pages, upstreams),
    ]
    header = [
        "# Generated by deploy/proxy/routes.py from its route table: change the table, not this.",
        "{",
        "\tauto_https off",  # plain HTTP: TLS, where there is any, ends in front of us
        "\tadmin off",  # configured by this file only
        "\tpersist_config off",
        "}",
        "",
        f"{listen} {{",
    ]
    return "\n".join([*header, *site, "}", ""])


def compose_caddyfile(root: Path = ROOT) -> str:
    services = existing_services(root)
    upstreams = {s: f"{s}:{COMPOSE_SERVICE_PORT}" for s in services}
    return caddyfile(route_table(services), upstreams, listen=COMPOSE_LISTEN)


def local_caddyfile(port: int, service_ports: Mapping[str, int], host: str = "127.0.0.1") -> str:
    upstreams = {s: f"{host}:{p}" for s, p in service_ports.items()}
    return caddyfile(route_table(list(service_ports)), upstreams, listen=f":{port}", bind=host)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="target", required=True)
    sub.add_parser("compose", help="the Caddyfile of docker-compose.yml")
    local = sub.add_parser("local", help="a Caddyfile for ./dev up")
    local.add_argument("--port", type=int, required=True)
    local.add_argument("services", nargs="+", metavar="SERVICE=PORT")
    args = parser.parse_args(argv)
    if args.target == "compose":
        sys.stdout.write(compose_caddyfile())
        return
    ports = {name: int(port) for name, _, port in (s.partition("=") for s in args.services)}
    sys.stdout.write(local_caddyfile(args.port, ports))


if __name__ == "__main__":
    main()
