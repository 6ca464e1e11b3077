"""Running the comments app for real: local Kafka-protocol broker and MongoDB-protocol server,
a fresh database and consumer group per test, fixed staff tokens for two tenants, a FakeClock.

Releases reach the read model the way the publisher's events would put them there
(:func:`known_release`), so API tests need no consumer; the consumer tests produce the events.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from bson import ObjectId
from fastapi import FastAPI

from comments.bootstrap import Comments
from comments.config import CommentsSettings
from comments.main import create_app
from comments.service.newsrooms import newsroom_changed
from comments.service.releases import release_published
from newsroom_shared.clock import Clock
from newsroom_shared.events.publisher import NewsroomCreated, ReleasePublished
from newsroom_shared.http.auth import Scope
from newsroom_testing import staff as staff_auth
from newsroom_testing.clock import FakeClock
from newsroom_testing.fixtures import drop_test_database
from newsroom_testing.smtp_sink import free_port, smtp_sink  # the sink mail tests share
from newsroom_testing.staff import TokenAuthenticator

# Tests run with --import-mode=importlib (no sys.path changes): make tests/xss_corpus importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

__all__ = ["smtp_sink"]

A, B = "tenant-a", "tenant-b"


def token(tenant: str, scope: Scope = Scope.editor) -> str:
    """A staff token (:mod:`newsroom_testing.staff`), an editor's unless told."""
    return staff_auth.token(tenant, scope)


def staff(tenant: str, scope: Scope = Scope.editor) -> dict[str, str]:
    return staff_auth.headers(tenant, scope)


def settings_for(infra: Any, unique: str, **overrides: Any) -> CommentsSettings:
    values: dict[str, Any] = {
        "kafka_bootstrap_servers": infra.kafka_bootstrap_servers,
        "mongodb_uri": infra.mongodb_uri,
        "mongodb_database": f"test_comments_{unique}",
        "consumer_group": f"comments-{unique}",
        "retry_max_attempts": 3,
        "retry_backoff_initial_s": 0.01,
        "retry_backoff_max_s": 0.05,
        "outbox_poll_interval_s": 0.1,
        "author_token_keys": "author-key-for-tests",
        "email_hash_key": "digest-key-for-tests",
        "public_rate_per_minute": 10_000,
        "public_rate_burst": 1_000,
        "post_rate_per_minute": 10_000,
        "post_rate_burst": 1_000,
        "email_rate_per_minute": 1_000,
        "consumers_enabled": False,
        "log_json": False,
        # Mails go nowhere unless a test points them at its SMTP sink (a port nobody listens
        # on: the loop retries later), never to a catcher ./dev up may run on 1025.
        "smtp_port": free_port(),
        "public_base_url": "http://comments.test",
    }
    values.update(overrides)
    return CommentsSettings(**values)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def settings(infra: Any, unique: str) -> CommentsSettings:
    return settings_for(infra, unique)


@asynccontextmanager
async def running(
    settings: CommentsSettings, clock: Clock | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """The app (with the test authenticator) running, and an HTTP client for it."""
    app = create_app(settings, clock=clock, authenticator=TokenAuthenticator(tenants=(A, B)))
    async with staff_auth.running(app, caller=("203.0.113.10", 50000)) as client:
        yield client


@pytest.fixture
async def api(
    settings: CommentsSettings, clock: FakeClock, mongo_client: Any
) -> AsyncIterator[httpx.AsyncClient]:
    try:
        async with running(settings, clock) as client:
            yield client
    finally:
        await drop_test_database(mongo_client, settings.database_name)


def app_of(client: httpx.AsyncClient) -> FastAPI:
    app: FastAPI = client.app  # type: ignore[attr-defined]
    return app


def comments_of(client: httpx.AsyncClient) -> Comments:
    comments: Comments = app_of(client).state.comments
    return comments


def new_id() -> str:
    return str(ObjectId())


def published(
    tenant: str, release_id: str | None = None, newsroom_id: str | None = None, **fields: Any
) -> ReleasePublished:
    release_id = release_id or new_id()
    values: dict[str, Any] = {
        "tenant_id": tenant,
        "release_id": release_id,
        "newsroom_id": newsroom_id or new_id(),
        "newsroom_slug": "acme",
        "slug": "big-news",
        "title": "Big news",
        "language": "en",
        "url": f"https://news.example/acme/releases/{release_id}",
        "version": 1,
        "published_at": datetime.now(UTC),
    }
    values.update(fields)
    return ReleasePublished(**values)


def newsroom_of(event: ReleasePublished) -> NewsroomCreated:
    return NewsroomCreated(
        tenant_id=event.tenant_id,
        newsroom_id=event.newsroom_id,
        slug=event.newsroom_slug,
        name="Acme Newsroom",
        default_language="en",
        version=1,
        updated_at=event.published_at,
    )


async def known_release(client: httpx.AsyncClient, event: ReleasePublished) -> ReleasePublished:
    """The release and its newsroom in the read models, as the consumers of the publisher's
    events would have put them there."""
    async with comments_of(client).uow() as uow:
        await newsroom_changed(uow, newsroom_of(event))
        await release_published(uow, event)
    return event


async def ok(client: httpx.AsyncClient, method: str, url: str, status: int = 200, **kw: Any) -> Any:
    answer = await client.request(method, url, **kw)
    assert answer.status_code == status, f"{method} {url}: {answer.status_code} {answer.text}"
    return answer.json() if answer.content else None


async def post_mode(
    client: httpx.AsyncClient, tenant: str, newsroom_id: str, **fields: Any
) -> None:
    """The newsroom shows comments at once (post-moderation), with ``fields`` on top."""
    await ok(
        client,
        "PUT",
        f"/v1/newsrooms/{newsroom_id}/comment-settings",
        json={"mode": "post", **fields},
        headers=staff(tenant),
    )


def comment_body(text: str = "Congratulations on the launch", **fields: Any) -> dict[str, Any]:
    return {"author_name": "Jane", "email": "jane@example.com", "text": text, **fields}
