"""Schemathesis against the running app's OpenAPI, with a valid admin key: every phase and
every check finds nothing (``newsroom_testing.openapi_fuzz``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from newsroom_testing.openapi_fuzz import drop_database_now, fuzz_every_operation, served
from publisher.config import PublisherSettings
from publisher.main import create_app

from .conftest import OPERATOR_TOKEN

# Rules JSON Schema cannot state; the OpenAPI describes each in words.
UNSTATED_RULES = {
    "invalid_cursor": "a cursor is valid only if this server issued it for this listing",
    "body.publish_at": "must be in the future (and within the scheduling horizon)",
    "body.embargo_until": "must be in the future",
    "body.social_card_media_id": "must be one of the release's media_ids",
    "media_not_publishable": "a release goes public only with processed, described media",
    "body.slug": "a newsroom slug must not be one of the site's own paths (api, docs, v1...)",
    "body.domain": "a newsroom's domain is no special-use name (localhost, .local, .test...), "
    "nor the platform's own host, and at most 253 characters",
    "body.release_id": "a translation is another release of the same newsroom",
    "body.logo_media_id": "a logo is an image of the tenant that media has processed",
}

# Slow: a few thousand requests, a minute or two.
pytestmark = [pytest.mark.connected, pytest.mark.slow]


@pytest.fixture(scope="module")
def live_api(infra) -> Iterator[tuple[str, dict[str, str]]]:
    unique = uuid.uuid4().hex[:10]
    settings = PublisherSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
        mongodb_uri=infra.mongodb_uri,
        mongodb_database=f"test_publisher_fuzz_{unique}",
        consumer_group=f"publisher-fuzz-{unique}",
        consumers_enabled=False,
        platform_token=OPERATOR_TOKEN,
        signing_secret="fuzz",
        api_key_cache_ttl_s=3600,
        public_rate_per_minute=1_000_000,
        public_rate_burst=1_000_000,
        log_json=False,
        log_level="CRITICAL",
    )
    try:
        with served(lambda: create_app(settings)) as base_url:
            with httpx.Client(base_url=base_url) as http:
                answer = http.post(
                    "/v1/tenants",
                    json={"name": "Fuzz"},
                    headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"},
                )
                headers = {"Authorization": f"Bearer {answer.json()['api_key']['token']}"}
                room = http.post(
                    "/v1/newsrooms",
                    json={"name": "Fuzz", "slug": f"fuzz-{unique}", "default_language": "en"},
                    headers=headers,
                ).json()
                release = http.post(
                    "/v1/releases",
                    json={"newsroom_id": room["id"], "title": "Seed"},
                    headers=headers,
                ).json()
                http.post(
                    f"/v1/releases/{release['id']}/publish", headers=headers
                ).raise_for_status()
            yield base_url, headers
    finally:
        drop_database_now(infra.mongodb_uri, settings.database_name)


def test_every_operation_answers_as_documented(live_api: tuple[str, dict[str, str]]) -> None:
    base_url, headers = live_api
    fuzz_every_operation(
        base_url, headers, examples_per_operation=20, at_least=21, unstated_rules=UNSTATED_RULES
    )
