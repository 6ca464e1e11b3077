"""Rate limits through the shared limiter: writes per client, comments per email address
(both counted in the database, so every replica shares them), answered 429 with Retry-After."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from newsroom_testing.fixtures import drop_test_database

from .conftest import A, comment_body, known_release, post_mode, published, running, settings_for

pytestmark = pytest.mark.connected


@asynccontextmanager
async def limited(
    infra: Any, unique: str, mongo_client: Any, **limits: int
) -> AsyncIterator[httpx.AsyncClient]:
    settings = settings_for(infra, unique, **limits)
    try:
        async with running(settings) as client:
            yield client
    finally:
        await drop_test_database(mongo_client, settings.database_name)


async def open_release(api: httpx.AsyncClient) -> str:
    event = await known_release(api, published(A))
    await post_mode(api, A, event.newsroom_id)
    return f"/v1/public/releases/{event.release_id}/comments"


def refused(answer: httpx.Response) -> bool:
    return (
        answer.status_code == 429
        and answer.json()["code"] == "rate_limited"
        and int(answer.headers["Retry-After"]) >= 1
    )


async def test_a_client_writing_too_often_gets_429(
    infra: Any, unique: str, mongo_client: Any
) -> None:
    limits = {"post_rate_per_minute": 2, "post_rate_burst": 2}
    async with limited(infra, unique, mongo_client, **limits) as api:
        url = await open_release(api)
        answers = [
            await api.post(url, json=comment_body(f"Comment {n}", email=f"{n}@example.com"))
            for n in range(3)
        ]
        assert [a.status_code for a in answers[:2]] == [201, 201]
        assert refused(answers[2])
        # Reads have their own, larger limit.
        assert (await api.get(url)).status_code == 200


async def test_one_email_commenting_too_often_gets_429_whatever_the_case(
    infra: Any, unique: str, mongo_client: Any
) -> None:
    async with limited(infra, unique, mongo_client, email_rate_per_minute=1) as api:
        url = await open_release(api)
        assert (
            await api.post(url, json=comment_body("First", email="jane@example.com"))
        ).status_code == 201
        assert refused(await api.post(url, json=comment_body("Second", email="JANE@Example.com")))
        assert (
            await api.post(url, json=comment_body("Other", email="joe@example.com"))
        ).status_code == 201
