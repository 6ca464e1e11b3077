"""The whole site for the reader's story: publisher, media, comments and distribution, each with
its consumers, workers and relay on, behind the real Caddy with ``deploy/proxy/routes.py``'s
routes (the one origin, as ``./dev up`` wires them), and outgoing email caught in a Maildir by
the same aiosmtpd ``Mailbox`` handler ``./dev up`` runs to fill ``.local/mail``.

Kept apart from the browser tests' ``conftest.py`` (publisher and distribution only), so that
the two grow without touching each other; it reuses that module's ``Staff``.
"""

from __future__ import annotations

import email
import email.policy
import mailbox
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox

from comments.config import CommentsSettings
from comments.main import create_app as create_comments
from distribution.adapters.crypto import new_key
from distribution.config import DistributionSettings
from distribution.main import create_app as create_distribution
from media.config import MediaSettings
from media.main import create_app as create_media
from newsroom_testing.fixtures import drop_test_database
from newsroom_testing.origin import (
    PortTaken,
    caddy,
    caddy_binary,
    free_port,
    serving_together,
    wait_for_origin,
)
from publisher.config import PublisherSettings
from publisher.main import create_app as create_publisher

from ..conftest import OPERATOR_TOKEN, Staff


def _connections(infra: Any, service: str, unique: str) -> dict[str, Any]:
    """What every service's test settings share: the local servers, a database and a group of
    its own, and short group timeouts (joining a group takes seconds with the defaults)."""
    return {
        "kafka_bootstrap_servers": infra.kafka_bootstrap_servers,
        "mongodb_uri": infra.mongodb_uri,
        "mongodb_database": f"test_story_{service}_{unique}",
        "consumer_group": f"story-{service}-{unique}",
        "outbox_poll_interval_s": 0.1,
        "consumers_enabled": True,
        "log_json": False,
    }


def _public_rates() -> dict[str, Any]:
    # One reader from one address clicks through many pages: no per-client limit in the way.
    return {"public_rate_per_minute": 10_000, "public_rate_burst": 1_000}


def _publisher(infra: Any, unique: str, origin: str) -> PublisherSettings:
    return PublisherSettings(
        **_connections(infra, "publisher", unique),
        **_public_rates(),
        scheduler_enabled=False,
        platform_token=OPERATOR_TOKEN,
        public_web_origin=origin,  # as ./dev up sets them: links point at the one origin
        public_base_url=f"{origin}/api/publisher",
        comments_public_path="/api/comments",
        media_public_path="/api/media",
    )


def _media(infra: Any, unique: str, origin: str) -> MediaSettings:
    return MediaSettings(
        **_connections(infra, "media", unique),
        public_base_url=f"{origin}/api/media",
        worker_interval_s=0.05,
        render_processes=1,  # the machine's two cores are shared with the other apps
    )


def _comments(infra: Any, unique: str, origin: str, smtp_port: int) -> CommentsSettings:
    return CommentsSettings(
        **_connections(infra, "comments", unique),
        **_public_rates(),
        public_base_url=f"{origin}/api/comments",
        author_token_keys="author-key-for-tests",
        email_hash_key="digest-key-for-tests",
        smtp_port=smtp_port,
    )


def _distribution(infra: Any, unique: str, origin: str, smtp_port: int) -> DistributionSettings:
    return DistributionSettings(
        **_connections(infra, "distribution", unique),
        **_public_rates(),
        credentials_keys=new_key(),
        subscriber_token_keys="token-key-for-tests",
        recipient_digest_key="digest-key-for-tests",
        public_base_url=f"{origin}/api/distribution",
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        smtp_timeout_s=5.0,
        confirmation_interval_s=0.2,
    )


class Maildir:
    """An SMTP server on loopback storing every message it takes into a Maildir, with the
    handler ``./dev up`` runs (``python -m aiosmtpd -c aiosmtpd.handlers.Mailbox``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self._controller = Controller(Mailbox(folder), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> Maildir:
        self._controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._controller.stop()

    def messages_to(self, address: str) -> list[EmailMessage]:
        """The messages in the Maildir addressed to ``address``, as a mail reader sees them."""
        box = mailbox.Maildir(self.folder, create=False)
        found = []
        for key in box.iterkeys():
            parsed = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
            assert isinstance(parsed, EmailMessage)
            if address in str(parsed["To"]):
                found.append(parsed)
        return found

    def link(self, address: str, pattern: str, *, subject: str = "") -> str | None:
        """The first link matching ``pattern`` in the plain text of a message to ``address``
        (whose subject holds ``subject``)."""
        for message in self.messages_to(address):
            if subject not in str(message["Subject"]):
                continue
            body = message.get_body(preferencelist=("plain",))
            found = body and re.search(pattern, body.get_content())
            if found:
                return found.group(1) if found.groups() else found.group()
        return None


@dataclass
class WholeSite:
    """The one origin with every service the reader's story meets behind it."""

    origin: str
    http: httpx.AsyncClient
    maildir: Maildir  # distribution's (and comments') outgoing email

    async def new_tenant(self, name: str = "Acme") -> Staff:
        operator = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
        answer = await self.http.post(
            "/api/publisher/v1/tenants", json={"name": name}, headers=operator
        )
        assert answer.status_code == 201, answer.text
        return Staff(self.http, answer.json()["api_key"]["token"])


ATTEMPTS = 3  # a proxy port chosen free can be taken before Caddy binds it (PortTaken)


@asynccontextmanager
async def _whole_site(
    infra: Any, unique: str, mongo_client: Any, folder: Path
) -> AsyncIterator[WholeSite]:
    """Every app on loopback, Caddy in front of them on a port chosen free."""
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    mail = Maildir(folder / "mail")
    publisher = _publisher(infra, unique, origin)
    media = _media(infra, unique, origin)
    comments = _comments(infra, unique, origin, mail.port)
    distribution = _distribution(infra, unique, origin, mail.port)
    try:
        with mail:
            apps = {
                "publisher": (create_publisher(publisher), "/api/publisher"),
                "media": (create_media(media), "/api/media"),
                "comments": (create_comments(comments), "/api/comments"),
                "distribution": (create_distribution(distribution), "/api/distribution"),
            }
            async with serving_together(apps) as ports:
                with caddy(caddy_binary(), folder, port, ports) as log:
                    async with httpx.AsyncClient(base_url=origin, timeout=10) as http:
                        await wait_for_origin(http, log)
                        yield WholeSite(origin, http, mail)
    finally:
        for settings in (publisher, media, comments, distribution):
            await drop_test_database(mongo_client, settings.database_name)


@pytest.fixture
async def whole_site(
    infra: Any, unique: str, mongo_client: Any, tmp_path: Path
) -> AsyncIterator[WholeSite]:
    """Publisher, media, comments and distribution behind the one origin, all following each
    other's events; email lands in a Maildir under the test's tmp dir."""
    for attempt in range(1, ATTEMPTS + 1):
        place = tmp_path / f"site-{attempt}"
        place.mkdir()
        try:
            async with _whole_site(infra, unique, mongo_client, place) as site:
                yield site
            return
        except PortTaken:
            if attempt == ATTEMPTS:
                raise
