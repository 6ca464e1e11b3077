"""Schemathesis against the running app's OpenAPI, with a valid admin key: every phase and
every check finds nothing (``newsroom_testing.openapi_fuzz``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from listening_fakes.auth import TokenAuthenticator, api_settings, headers

from listening.main import create_app
from newsroom_testing.openapi_fuzz import drop_database_now, fuzz_every_operation, served

pytestmark = [pytest.mark.connected, pytest.mark.slow]
TENANT = "tenant-a"
# Rules JSON Schema cannot state; the OpenAPI describes each in words.
UNSTATED_RULES = {
    "invalid_cursor": "a cursor is valid only if this server issued it for this listing",
    "query_syntax": "a query's text follows the query language described on the field",
    "bad_signature": "an inbound webhook is signed with its source's secret (Standard Webhooks)",
    "body.text": "a query's text follows the query language described on the field",
    "body.url": "a feed's URL is https, without credentials, and names no internal address",
    "duplicate_feed": "a tenant polls one URL once",
    "body.instance_url": "an instance's origin (no path) whose host is not a loopback, private "
    "or reserved address (the SSRF guard)",
    "body.hashtag": "Mastodon's hashtag rule: Unicode letters, digits and _",
    "body.answered_by.id": "a release or comment of the caller's tenant that listening heard of "
    "(another tenant's and an unknown one are refused alike)",
}


@pytest.fixture(scope="module")
def base_url(infra: Any) -> Iterator[str]:
    settings = api_settings(infra, f"fuzz_{uuid.uuid4().hex[:10]}", log_level="CRITICAL")
    try:
        with served(lambda: create_app(settings, authenticator=TokenAuthenticator())) as url:
            with httpx.Client(base_url=url) as http:
                http.post(
                    "/v1/queries",
                    json={"name": "Brand", "text": "acme OR roadrunner"},
                    headers=headers(TENANT),
                ).raise_for_status()
                http.post(
                    "/v1/sources/webhooks", json={"name": "Zapier"}, headers=headers(TENANT)
                ).raise_for_status()
                http.post(
                    "/v1/sources/feeds",
                    json={"url": "https://feeds.example/a.rss"},
                    headers=headers(TENANT),
                ).raise_for_status()
            yield url
    finally:
        drop_database_now(infra.mongodb_uri, settings.database_name)


def test_every_operation_answers_as_documented(base_url: str) -> None:
    fuzz_every_operation(
        base_url,
        headers(TENANT),
        examples_per_operation=15,
        at_least=10,
        unstated_rules=UNSTATED_RULES,
    )
