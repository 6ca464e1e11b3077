"""The media app with a test authenticator (fixed tokens for two tenants), settings for tests,
and a client that talks to it in process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from media.bootstrap import Media
from media.config import MediaSettings
from media.main import create_app
from newsroom_shared.clock import Clock
from newsroom_shared.http.auth import Scope
from newsroom_testing import staff
from newsroom_testing.staff import SCOPES as SCOPES
from newsroom_testing.staff import TENANTS as TENANTS
from newsroom_testing.staff import TokenAuthenticator, running
from newsroom_testing.staff import app_of as app_of

PUBLIC_BASE_URL = "https://media.example"


def token(tenant: str, scope: Scope = Scope.editor) -> str:
    """A staff token (:mod:`newsroom_testing.staff`), an editor's unless told."""
    return staff.token(tenant, scope)


def headers(tenant: str, scope: Scope = Scope.editor) -> dict[str, str]:
    return staff.headers(tenant, scope)


def settings_for(infra: Any, unique: str, **overrides: Any) -> MediaSettings:
    values: dict[str, Any] = {
        "kafka_bootstrap_servers": infra.kafka_bootstrap_servers,
        "mongodb_uri": infra.mongodb_uri,
        "mongodb_database": f"test_media_{unique}",
        "consumer_group": f"media-{unique}",
        "public_base_url": PUBLIC_BASE_URL,
        "consumers_enabled": False,
        "worker_interval_s": 0.05,
        "render_processes": 1,
        "outbox_poll_interval_s": 0.1,
        "max_image_bytes": 2 * 1024 * 1024,
        "max_image_pixels": 20_000_000,
        "log_json": False,
    }
    values.update(overrides)
    return MediaSettings(**values)


@asynccontextmanager
async def media_api(
    settings: MediaSettings, clock: Clock | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, clock=clock, authenticator=TokenAuthenticator())
    async with running(app) as client:
        yield client


def media_of(client: httpx.AsyncClient) -> Media:
    media: Media = app_of(client).state.media
    return media


def local_path(url: str) -> str:
    """A file URL as a path of the app under test."""
    assert url.startswith(PUBLIC_BASE_URL), url
    return url.removeprefix(PUBLIC_BASE_URL)
