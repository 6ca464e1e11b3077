"""Schemathesis against the running app's OpenAPI, with a valid admin key: every phase and
every check finds nothing (``newsroom_testing.openapi_fuzz``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fakes.auth import TokenAuthenticator, api_settings, headers
from fakes.newsrooms import known_newsroom_now, newsroom_created

from distribution.main import create_app
from newsroom_testing.openapi_fuzz import drop_database_now, fuzz_every_operation, served

pytestmark = [pytest.mark.connected, pytest.mark.slow]
TENANT = "tenant-a"
# Rules JSON Schema cannot state; the OpenAPI describes each in words.
_PUBLIC_URL = (
    "a public address: no localhost, numeric host or loopback/private/reserved IP (an SSRF guard "
    "over address ranges; the service may allow http and private addresses for development)"
)
UNSTATED_RULES = {
    "invalid_cursor": "a cursor is valid only if this server issued it for this listing",
    "invalid_token": "a well-formed link token is valid only if this server signed it for this "
    "purpose",
    "body.settings.instance_url": _PUBLIC_URL,
    "body.settings.service_url": _PUBLIC_URL,
    "body.settings.url": _PUBLIC_URL,
    "body.webhook_channel_ids": "webhook channels of the caller's tenant (another tenant's, an "
    "unknown one and a channel of another kind are refused alike)",
    "body.newsroom_id": "a newsroom of the caller's tenant, known from the publisher's newsroom "
    "events (another tenant's and an unknown one are refused alike)",
}


@pytest.fixture(scope="module")
def base_url(infra: Any) -> Iterator[str]:
    settings = api_settings(infra, f"fuzz_{uuid.uuid4().hex[:10]}", log_level="CRITICAL")
    try:
        with served(lambda: create_app(settings, authenticator=TokenAuthenticator())) as url:
            newsroom = newsroom_created(TENANT, "n1", slug="acme")
            known_newsroom_now(infra.mongodb_uri, settings.database_name, newsroom)
            with httpx.Client(base_url=url) as http:
                http.post(
                    "/v1/channels",
                    json={
                        "newsroom_id": "n1",
                        "kind": "email",
                        "name": "News",
                        "settings": {"sender": "news@acme.example"},
                    },
                    headers=headers(TENANT),
                ).raise_for_status()
                http.post(
                    "/v1/public/newsrooms/acme/subscribers", json={"email": "jane@example.org"}
                ).raise_for_status()
            yield url
    finally:
        drop_database_now(infra.mongodb_uri, settings.database_name)


def test_every_operation_answers_as_documented(base_url: str) -> None:
    fuzz_every_operation(
        base_url,
        headers(TENANT),
        examples_per_operation=15,
        at_least=16,
        unstated_rules=UNSTATED_RULES,
    )
