"""The one origin's route table and the Caddyfiles made from it (no server needed)."""

from __future__ import annotations

import re

import pytest

from newsroom_testing.deploy_scripts import ROOT, routes

ROUTES = routes()
CADDYFILE = ROOT / "deploy" / "proxy" / "Caddyfile"


def test_committed_caddyfile_is_the_route_table() -> None:
    regenerate = "python deploy/proxy/routes.py compose > deploy/proxy/Caddyfile"
    assert CADDYFILE.read_text(encoding="utf-8") == ROUTES.compose_caddyfile(), regenerate


def test_every_service_with_an_entry_point_has_its_api_prefix_and_publisher_has_the_pages() -> None:
    services = ROUTES.existing_services()
    table = ROUTES.route_table(services)
    assert [(r.prefix, r.service) for r in table] == [
        *((f"/api/{s}", s) for s in services),
        ("/", "publisher"),
    ]
    assert sorted(services) == sorted(
        p.parents[2].name for p in (ROOT / "services").glob("*/src/*/__main__.py")
    )


def test_api_prefixes_are_stripped_and_the_pages_are_not() -> None:
    text = ROUTES.local_caddyfile(18000, {"publisher": 18001, "distribution": 18004})
    assert "handle_path /api/publisher/* {\n\t\treverse_proxy 127.0.0.1:18001" in text
    assert "handle_path /api/distribution/* {\n\t\treverse_proxy 127.0.0.1:18004" in text
    assert "\thandle {\n\t\treverse_proxy 127.0.0.1:18001" in text  # pages, path kept
    assert re.search(r"handle /api/\* \{[^}]*respond `\{[^`]*\}` 404", text)
    assert "\tbind 127.0.0.1\n" in text  # ./dev up listens on loopback only
    assert "auto_https off" in text  # plain HTTP: TLS ends in front of us, if anywhere


def test_the_pages_need_their_service() -> None:
    with pytest.raises(ValueError, match="publisher"):
        ROUTES.route_table(["distribution"])
