"""The browser tests' world: the publisher and distribution apps (and, for the stories that
show pictures, media) on loopback behind the real Caddy (the one origin, as ``./dev up`` runs
it), and headless Chromium with axe-core."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from playwright.async_api import BrowserContext, Page
from pydantic import SecretStr

from distribution.adapters.crypto import new_key
from distribution.config import DistributionSettings
from distribution.main import create_app as create_distribution
from media.config import MediaSettings
from media.main import create_app as create_media
from newsroom_testing.consumer import eventually
from newsroom_testing.fixtures import drop_test_database
from newsroom_testing.origin import (
    PortTaken,
    caddy,
    caddy_binary,
    free_port,
    serving,
    wait_for_origin,
)
from publisher.config import PublisherSettings
from publisher.main import create_app as create_publisher

OPERATOR_TOKEN = "operator-token-for-tests"
# Media's signed-link keys; the publisher signs embargo previews' pictures with the same.
MEDIA_URL_SIGNING_KEYS = "media-url-key-for-browser-tests"


def _publisher_settings(infra: Any, unique: str, origin: str) -> PublisherSettings:
    return PublisherSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
        mongodb_uri=infra.mongodb_uri,
        mongodb_database=f"test_browser_publisher_{unique}",
        consumer_group=f"browser-publisher-{unique}",
        outbox_poll_interval_s=0.1,
        scheduler_enabled=False,
        platform_token=OPERATOR_TOKEN,
        public_web_origin=origin,  # as ./dev up sets them: links point at the one origin
        public_base_url=f"{origin}/api/publisher",
        public_rate_per_minute=10_000,
        public_rate_burst=1_000,
        log_json=False,
        consumers_enabled=False,
    )


def _with_media(publisher: PublisherSettings) -> PublisherSettings:
    """The publisher of a site with media behind it: follows media's events and signs
    previews' pictures with media's keys."""
    return publisher.model_copy(
        update={
            "consumers_enabled": True,
            "media_public_path": "/api/media",
            "media_url_signing_keys": SecretStr(MEDIA_URL_SIGNING_KEYS),
        }
    )


def _media_settings(infra: Any, unique: str, origin: str) -> MediaSettings:
    return MediaSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
        mongodb_uri=infra.mongodb_uri,
        mongodb_database=f"test_browser_media_{unique}",
        consumer_group=f"browser-media-{unique}",
        public_base_url=f"{origin}/api/media",
        url_signing_keys=SecretStr(MEDIA_URL_SIGNING_KEYS),
        # It learns staff keys and releases from the publisher's events.
        consumers_enabled=True,
        worker_interval_s=0.05,
        render_processes=1,
        outbox_poll_interval_s=0.1,
        log_json=False,
    )


class Inbox:
    """A real SMTP server on loopback (aiosmtpd, in its own thread) keeping what it receives."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 OK"

    def __enter__(self) -> Inbox:
        self._controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._controller.stop()

    def link(self, pattern: str) -> str | None:
        """The first link matching ``pattern`` in the plain text of a message received."""
        for message in self.messages:
            body = message.get_body(preferencelist=("plain",))
            found = body and re.search(pattern, body.get_content())
            if found:
                return found.group()
        return None


def _distribution_settings(
    infra: Any, unique: str, origin: str, consumers: bool, smtp_port: int
) -> DistributionSettings:
    return DistributionSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
        mongodb_uri=infra.mongodb_uri,
        mongodb_database=f"test_browser_distribution_{unique}",
        consumer_group=f"browser-distribution-{unique}",
        credentials_keys=new_key(),
        subscriber_token_keys="token-key-for-tests",
        recipient_digest_key="digest-key-for-tests",
        public_base_url=f"{origin}/api/distribution",
        outbox_poll_interval_s=0.1,
        # The delivery worker and the confirmation mailer run where events are followed.
        worker_enabled=consumers,
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        smtp_timeout_s=5.0,
        confirmation_interval_s=0.2,
        log_json=False,
        # Consumers learn the publisher's keys and newsrooms from its events; joining a group
        # takes seconds, so only the stories that need them run them.
        consumers_enabled=consumers,
        public_rate_per_minute=10_000,
        public_rate_burst=1_000,
    )


@dataclass
class Staff:
    """A tenant's admin, through the one origin's API routes."""

    http: httpx.AsyncClient
    token: str

    async def ok(self, method: str, url: str, status: int = 200, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"}
        answer = await self.http.request(method, f"/api/publisher/v1{url}", headers=headers, **kw)
        assert answer.status_code == status, f"{method} {url}: {answer.status_code} {answer.text}"
        return answer.json() if answer.content else None

    async def media(self, method: str, url: str, **kw: Any) -> httpx.Response:
        """A request to media's API with this admin's key (its copy of the key comes from the
        publisher's events)."""
        headers = {"Authorization": f"Bearer {self.token}", **kw.pop("headers", {})}
        return await self.http.request(method, f"/api/media/v1{url}", headers=headers, **kw)

    async def distribution(self, method: str, url: str, **kw: Any) -> httpx.Response:
        """A request to distribution's API with this admin's key (its copy of the key comes
        from the publisher's events)."""
        headers = {"Authorization": f"Bearer {self.token}"}
        return await self.http.request(method, f"/api/distribution/v1{url}", headers=headers, **kw)

    async def newsroom(self, slug: str, **fields: Any) -> dict[str, Any]:
        body = {"name": f"Newsroom {slug}", "slug": slug, "default_language": "en", **fields}
        return await self.ok("POST", "/newsrooms", 201, json=body)

    async def email_channel(self, newsroom_id: str, timeout_s: float = 60) -> None:
        """Once distribution knows the key and the newsroom (from the publisher's events)."""
        body = {
            "newsroom_id": newsroom_id,
            "kind": "email",
            "name": "Subscribers",
            "settings": {"sender": "news@acme.example"},
        }

        async def created() -> bool:
            answer = await self.distribution("POST", "/channels", json=body)
            assert answer.status_code in (201, 401, 422), answer.text  # 401, 422: not yet known
            return answer.status_code == 201

        await eventually(
            created, "distribution to know the key and the newsroom", timeout_s=timeout_s
        )

    async def published(self, newsroom_id: str, title: str, **fields: Any) -> dict[str, Any]:
        body = {"newsroom_id": newsroom_id, "title": title, **fields}
        release = await self.ok("POST", "/releases", 201, json=body)
        return await self.ok("POST", f"/releases/{release['id']}/publish")  # type: ignore[no-any-return]


@dataclass
class Site:
    """The one origin with both services behind it."""

    origin: str
    http: httpx.AsyncClient
    inbox: Inbox  # distribution's outgoing email

    async def new_tenant(self, name: str = "Acme") -> Staff:
        operator = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
        answer = await self.http.post(
            "/api/publisher/v1/tenants", json={"name": name}, headers=operator
        )
        assert answer.status_code == 201, answer.text
        return Staff(self.http, answer.json()["api_key"]["token"])


@asynccontextmanager
async def _inbox(inbox: Inbox) -> AsyncIterator[Inbox]:
    with inbox:
        yield inbox


ATTEMPTS = 3  # a proxy port chosen free can be taken before Caddy binds it (PortTaken)


@asynccontextmanager
async def running_site(
    infra: Any,
    unique: str,
    mongo_client: Any,
    folder: Path,
    *,
    consumers: bool,
    media: bool = False,
) -> AsyncIterator[Site]:
    for attempt in range(1, ATTEMPTS + 1):
        place = folder / f"site-{attempt}"
        place.mkdir()
        try:
            async with _site(
                infra, unique, mongo_client, place, consumers=consumers, media=media
            ) as site:
                yield site
            return
        except PortTaken:
            if attempt == ATTEMPTS:
                raise


@asynccontextmanager
async def _site(
    infra: Any, unique: str, mongo_client: Any, folder: Path, *, consumers: bool, media: bool
) -> AsyncIterator[Site]:
    """Both apps (with ``media``, media too) on loopback and Caddy in front of them, on a port
    chosen free."""
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    inbox = Inbox()
    publisher = _publisher_settings(infra, unique, origin)
    distribution = _distribution_settings(infra, unique, origin, consumers, inbox.port)
    media_settings = _media_settings(infra, unique, origin) if media else None
    if media:
        publisher = _with_media(publisher)
    try:
        async with (
            _inbox(inbox),
            serving(create_publisher(publisher), "/api/publisher") as publisher_port,
            serving(create_distribution(distribution), "/api/distribution") as distribution_port,
            AsyncExitStack() as more,
        ):
            ports = {"publisher": publisher_port, "distribution": distribution_port}
            if media_settings is not None:
                app = create_media(media_settings)
                ports["media"] = await more.enter_async_context(serving(app, "/api/media"))
            with caddy(caddy_binary(), folder, port, ports) as log:
                async with httpx.AsyncClient(base_url=origin, timeout=10) as http:
                    await wait_for_origin(http, log)
                    yield Site(origin, http, inbox)
    finally:
        await drop_test_database(mongo_client, publisher.database_name)
        await drop_test_database(mongo_client, distribution.database_name)
        if media_settings is not None:
            await drop_test_database(mongo_client, media_settings.database_name)


@pytest.fixture
async def site(infra: Any, unique: str, mongo_client: Any, tmp_path: Path) -> AsyncIterator[Site]:
    """Both services behind the origin; distribution follows no events (pages only)."""
    async with running_site(infra, unique, mongo_client, tmp_path, consumers=False) as found:
        yield found


@pytest.fixture
async def live_site(
    infra: Any, unique: str, mongo_client: Any, tmp_path: Path
) -> AsyncIterator[Site]:
    """Both services behind the origin, distribution following the publisher's events."""
    async with running_site(infra, unique, mongo_client, tmp_path, consumers=True) as found:
        yield found


@pytest.fixture
async def media_site(
    infra: Any, unique: str, mongo_client: Any, tmp_path: Path
) -> AsyncIterator[Site]:
    """The publisher, distribution and media behind the origin; the publisher and media follow
    each other's events (staff keys, releases, processed media), distribution follows none."""
    found = running_site(infra, unique, mongo_client, tmp_path, consumers=False, media=True)
    async with found as site:
        yield site


@pytest.fixture
async def page(browser: BrowserContext) -> AsyncIterator[Page]:
    page = await browser.new_page()
    yield page
    await page.close()
