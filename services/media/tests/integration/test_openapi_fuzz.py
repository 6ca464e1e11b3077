"""Schemathesis against the running app's OpenAPI, with a valid editor key: every phase and
every check finds nothing (``newsroom_testing.openapi_fuzz``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from media_support import corpus
from media_support.app import TokenAuthenticator, headers, settings_for

from media.main import create_app
from newsroom_testing.openapi_fuzz import drop_database_now, fuzz_every_operation, served

pytestmark = [pytest.mark.connected, pytest.mark.slow]
# A tus piece (PATCH /v1/uploads/{id}) is bytes like any binary body.
schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
TENANT = "tenant-a"
# Rules JSON Schema cannot state; the OpenAPI describes each in words.
UNSTATED_RULES = {
    "invalid_cursor": "a cursor is valid only if this server issued it for this listing",
    "unsupported_media_type": "an upload's type is told by its bytes (an image or a PDF), "
    "which no schema of a binary body states",
    "empty": "an upload must have bytes; a binary schema allows none",
    "truncated": "an upload must be a whole file of its type",
    "polyglot": "an upload must not also be an archive or a web page",
    "pixel_flood": "an image's pixels are limited, which only its header tells",
    "unknown_media": "a gallery's items must exist in the caller's tenant",
    "duplicate_item": "an item is in a gallery once (one field unique across array objects)",
    "not_a_reordering": "a new order names every item the gallery holds, once",
}


@pytest.fixture(scope="module")
def base_url(infra: Any) -> Iterator[str]:
    settings = settings_for(infra, f"fuzz_{uuid.uuid4().hex[:10]}", log_level="CRITICAL")
    try:
        with served(lambda: create_app(settings, authenticator=TokenAuthenticator())) as url:
            with httpx.Client(base_url=url) as http:
                http.post(
                    "/v1/media",
                    content=corpus.jpeg(400, 300),
                    params={"filename": "seed.jpg"},
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
        at_least=7,
        unstated_rules=UNSTATED_RULES,
    )
