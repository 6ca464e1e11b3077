"""Schemathesis against the running app's OpenAPI, with a valid staff key: every phase and
every check finds nothing (``newsroom_testing.openapi_fuzz``)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from comments.adapters.mongo.newsrooms import MongoNewsrooms
from comments.adapters.mongo.releases import MongoReleases
from comments.main import create_app
from comments.service.newsrooms import newsroom_changed
from comments.service.releases import release_published
from newsroom_shared.events.publisher import ReleasePublished
from newsroom_shared.http.auth import Scope
from newsroom_shared.mongo import make_client
from newsroom_testing.openapi_fuzz import drop_database_now, fuzz_every_operation, served

from .conftest import A, TokenAuthenticator, newsroom_of, published, settings_for, staff

pytestmark = [pytest.mark.connected, pytest.mark.slow]
# Rules JSON Schema cannot state; the OpenAPI describes each in words.
UNSTATED_RULES = {
    "invalid_cursor": "a cursor is valid only if this server issued it for this listing",
    "invalid_token": "a well-formed author token is valid only if this server signed it",
    "body.text": "some text must be left once markup is removed, at most 5,000 characters of "
    "it, and none of the newsroom's banned words",
    "body.reason": "a rejection needs a reason",
}


class _ReadModels:
    """The read models' repositories outside any unit of work (the seed's only writes)."""

    def __init__(self, db: Any) -> None:
        self.releases = MongoReleases(db)
        self.newsrooms = MongoNewsrooms(db)


async def known_release_now(mongodb_uri: str, database: str, event: ReleasePublished) -> None:
    client = make_client(mongodb_uri)
    try:
        db = client[database]
        await newsroom_changed(_ReadModels(db), newsroom_of(event))  # type: ignore[arg-type]
        await release_published(_ReadModels(db), event)  # type: ignore[arg-type]
    finally:
        await client.close()


@pytest.fixture(scope="module")
def base_url(infra: Any) -> Iterator[str]:
    settings = settings_for(infra, f"fuzz_{uuid.uuid4().hex[:10]}", log_level="CRITICAL")
    try:
        with served(lambda: create_app(settings, authenticator=TokenAuthenticator())) as url:
            event = published(A)
            # The server runs its own loop in another thread: the seed has a loop and client of
            # its own, and writes as the published event's consumer would.
            asyncio.run(known_release_now(settings.mongodb_uri, settings.database_name, event))
            with httpx.Client(base_url=url) as http:
                http.put(
                    f"/v1/newsrooms/{event.newsroom_id}/comment-settings",
                    json={"mode": "post"},
                    headers=staff(A),
                ).raise_for_status()
            yield url
    finally:
        drop_database_now(infra.mongodb_uri, settings.database_name)


def test_every_operation_answers_as_documented(base_url: str) -> None:
    fuzz_every_operation(
        base_url,
        staff(A, Scope.admin),
        examples_per_operation=15,
        at_least=16,
        unstated_rules=UNSTATED_RULES,
    )
