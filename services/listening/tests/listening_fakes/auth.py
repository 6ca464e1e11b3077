"""A test authenticator (fixed tokens for the staff of two tenants, by scope) and the app
running with it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from listening.bootstrap import Listening
from listening.config import ListeningSettings
from listening.main import create_app
from newsroom_shared.clock import Clock
from newsroom_shared.events.listening import PostFetched
from newsroom_testing.consumer import eventually
from newsroom_testing.fixtures import drop_test_database
from newsroom_testing.staff import SCOPES as SCOPES
from newsroom_testing.staff import TokenAuthenticator, running
from newsroom_testing.staff import app_of as app_of
from newsroom_testing.staff import headers as headers
from newsroom_testing.staff import token as token

WEBHOOK_KEY = "webhook-key-for-tests"


@asynccontextmanager
async def staff_api(
    settings: ListeningSettings, clock: Clock | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """The app running with the test authenticator for any tenant (tests make a tenant per
    test, so data left on the shared topics by earlier tests cannot meet theirs)."""
    app = create_app(settings, clock=clock, authenticator=TokenAuthenticator(tenants=None))
    async with running(app) as client:
        yield client


@asynccontextmanager
async def staff_api_on_own_database(
    settings: ListeningSettings, mongo_client: Any, clock: Clock | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """:func:`staff_api`, whose database is dropped afterwards, whatever the test did."""
    try:
        async with staff_api(settings, clock) as client:
            yield client
    finally:
        await drop_test_database(mongo_client, settings.database_name)


def listening_of(client: httpx.AsyncClient) -> Listening:
    listening: Listening = app_of(client).state.listening
    return listening


async def posts_in_outbox(client: httpx.AsyncClient) -> list[PostFetched]:
    """Every ``PostFetched`` the app's sources wrote to its outbox so far (sent or not)."""
    outbox = listening_of(client).runtime.db["outbox"]
    return [
        PostFetched.model_validate_json(event["value"])
        async for document in outbox.find({})
        for event in document["events"]
        if event["topic"] == PostFetched.topic
    ]


async def until_posts_in_outbox(client: httpx.AsyncClient, count: int) -> list[PostFetched]:
    """The outbox's ``PostFetched`` once there are at least ``count`` of them."""

    async def enough() -> list[PostFetched] | None:
        posts = await posts_in_outbox(client)
        return posts if len(posts) >= count else None

    posts: list[PostFetched] = await eventually(enough, f"{count} posts", timeout_s=30)
    return posts


def api_settings(infra: Any, unique: str, **overrides: Any) -> ListeningSettings:
    """Settings of an API test: its own database and consumer groups, no consumers."""
    values: dict[str, Any] = {
        "kafka_bootstrap_servers": infra.kafka_bootstrap_servers,
        "mongodb_uri": infra.mongodb_uri,
        "mongodb_database": f"test_listening_{unique}",
        "consumer_group": f"listening-{unique}",
        "webhook_secret_keys": WEBHOOK_KEY,
        "public_base_url": "https://news.example/api/listening",
        "consumers_enabled": False,
        "feed_polling_enabled": False,  # tests that poll run the poller's passes themselves
        # Tests that follow Mastodon sources turn it on, with a fake instance.
        "mastodon_followers_enabled": False,
        "log_json": False,
    }
    values.update(overrides)
    return ListeningSettings(**values)


def consumer_settings(infra: Any, unique: str, **overrides: Any) -> ListeningSettings:
    """Settings of a test that follows topics: consumers on, fast retries (the short session
    of the local broker comes from the environment, as ``./dev`` exports it)."""
    values: dict[str, Any] = {
        "consumers_enabled": True,
        "retry_backoff_initial_s": 0.01,
        "retry_backoff_max_s": 0.05,
    }
    values.update(overrides)
    return api_settings(infra, unique, **values)
