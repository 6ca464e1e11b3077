"""The one origin for real: Caddy, as ``./dev up`` installs and configures it, in front of the
publisher and distribution apps served by uvicorn on loopback."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from distribution.adapters.crypto import new_key
from distribution.config import DistributionSettings
from distribution.main import create_app as create_distribution
from newsroom_testing.origin import (
    PortTaken,
    Recording,
    caddy,
    caddy_binary,
    free_port,
    serving,
    wait_for_origin,
)
from publisher.config import PublisherSettings
from publisher.main import create_app as create_publisher

pytestmark = pytest.mark.connected


@pytest.fixture
def proxy_port() -> int:
    return free_port()


@pytest.fixture
def proxy(tmp_path: Path, proxy_port: int) -> Iterator[Callable[[dict[str, int]], Path]]:
    """Starts Caddy with ./dev up's Caddyfile for the given service ports; returns its log."""
    binary = caddy_binary()
    with ExitStack() as running:
        yield lambda ports: running.enter_context(caddy(binary, tmp_path, proxy_port, ports))


OPERATOR_TOKEN = "operator-token-for-tests"


def publisher_settings(infra: Any, unique: str, origin: str) -> PublisherSettings:
    return PublisherSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
        mongodb_uri=infra.mongodb_uri,
        mongodb_database=f"test_proxy_publisher_{unique}",
        consumer_group=f"proxy-publisher-{unique}",
        outbox_poll_interval_s=0.1,
        scheduler_enabled=False,
        platform_token=OPERATOR_TOKEN,
        # As ./dev up sets them: links point at the one origin.
        public_web_origin=origin,
        public_base_url=f"{origin}/api/publisher",
        log_json=False,
        consumers_enabled=False,
    )


def distribution_settings(infra: Any, unique: str) -> DistributionSettings:
    return DistributionSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
        mongodb_uri=infra.mongodb_uri,
        mongodb_database=f"test_proxy_distribution_{unique}",
        consumer_group=f"proxy-distribution-{unique}",
        credentials_keys=new_key(),
        subscriber_token_keys="token-key-for-tests",
        recipient_digest_key="digest-key-for-tests",
        outbox_poll_interval_s=0.1,
        worker_enabled=False,
        log_json=False,
        consumers_enabled=False,
    )


async def test_one_origin_routes_pages_and_each_api_to_its_service(
    infra: Any, unique: str, mongo_client: Any, proxy: Any, proxy_port: int
) -> None:
    origin = f"http://127.0.0.1:{proxy_port}"
    pub_settings = publisher_settings(infra, unique, origin)
    dist_settings = distribution_settings(infra, unique)
    publisher = Recording(create_publisher(pub_settings))
    distribution = Recording(create_distribution(dist_settings))
    try:
        async with (
            serving(publisher, "/api/publisher") as publisher_port,
            serving(distribution, "/api/distribution") as distribution_port,
        ):
            log = proxy({"publisher": publisher_port, "distribution": distribution_port})
            async with httpx.AsyncClient(base_url=origin, timeout=10) as http:
                await wait_for_origin(http, log)
                await _check_routes(http, publisher, distribution, proxy_port)
                await _check_release_page(http, unique, origin)
    finally:
        await mongo_client.drop_database(pub_settings.database_name)
        await mongo_client.drop_database(dist_settings.database_name)


async def _check_routes(
    http: httpx.AsyncClient, publisher: Recording, distribution: Recording, proxy_port: int
) -> None:
    # Each API under its prefix, which the service never sees (it keeps its own paths).
    for app, name in ((publisher, "publisher"), (distribution, "distribution")):
        app.seen.clear()
        answer = await http.get(f"/api/{name}/healthz", headers={"X-Test": name})
        assert answer.status_code == 200, answer.text
        [(path, headers)] = [s for s in app.seen if s[1].get("x-test") == name]
        assert path == f"/api/{name}/healthz"  # uvicorn puts the root path back in front
        # What the proxy adds: the client, the scheme and the host it was asked for.
        assert headers["x-forwarded-for"] == "127.0.0.1"
        assert headers["x-forwarded-proto"] == "http"
        assert headers["x-forwarded-host"] == f"127.0.0.1:{proxy_port}"
        assert headers["via"].endswith("Caddy")
        # The API's own docs work through the proxy: the OpenAPI document names the prefix.
        document = (await http.get(f"/api/{name}/openapi.json")).json()
        assert document["servers"] == [{"url": f"/api/{name}"}]
        docs = await http.get(f"/api/{name}/docs")
        assert f"/api/{name}/openapi.json" in docs.text
        bare = await http.get(f"/api/{name}")
        assert (bare.status_code, bare.headers["location"]) == (308, f"/api/{name}/")
    # A prefix no service owns: a problem from the proxy, no service asked.
    publisher.seen.clear()
    unknown = await http.get("/api/nothing-here/v1/x")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
    assert unknown.json()["status"] == 404
    assert publisher.seen == []
    # Everything else is a public page of the publisher, path unchanged (its routes see
    # /acme/...; uvicorn's ASGI path starts with the root path, which the app strips again).
    page = await http.get("/acme/releases/01-no-such-release")
    assert page.status_code == 404
    assert [path for path, _ in publisher.seen] == [
        "/api/publisher/acme/releases/01-no-such-release"
    ]


async def _check_release_page(http: httpx.AsyncClient, unique: str, origin: str) -> None:
    """The URL a published release carries is its page, served through the one origin."""
    api = "/api/publisher/v1"
    operator = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    tenant = await http.post(f"{api}/tenants", json={"name": "Acme"}, headers=operator)
    assert tenant.status_code == 201, tenant.text
    key = {"Authorization": f"Bearer {tenant.json()['api_key']['token']}"}
    slug = f"acme-{unique}"
    room = await http.post(
        f"{api}/newsrooms",
        json={"slug": slug, "name": "Acme", "default_language": "en"},
        headers=key,
    )
    assert room.status_code == 201, room.text
    body = {"newsroom_id": room.json()["id"], "title": "Roadrunner 2"}
    release = (await http.post(f"{api}/releases", json=body, headers=key)).json()
    published = await http.post(f"{api}/releases/{release['id']}/publish", headers=key)
    url = published.json()["url"]
    assert url == f"{origin}/{slug}/releases/{release['id']}"
    page = await http.get(url)
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert f'<link rel="canonical" href="{url}">' in page.text
    assert (await http.get(url, headers={"If-None-Match": page.headers["etag"]})).status_code == 304


def test_a_port_taken_before_caddy_binds_it_is_told_apart(tmp_path: Path) -> None:
    """A port chosen free may be taken before Caddy starts: the browser tests retry on this."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(PortTaken), caddy(caddy_binary(), tmp_path, port, {"publisher": 1}):
            pass
