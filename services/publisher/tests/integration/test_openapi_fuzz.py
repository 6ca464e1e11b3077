"""Schemathesis against the running app's OpenAPI, with a valid admin key: no 5xx on any
operation, and every answer matches the documented status codes and schemas.

The app runs under uvicorn in a thread (its own event loop, real HTTP), because schemathesis'
pytest integration is synchronous; hypothesis draws a bounded number of examples per operation.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import hypothesis
import hypothesis.errors
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck
from pymongo import MongoClient
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from publisher.config import PublisherSettings
from publisher.main import create_app

from .conftest import OPERATOR_TOKEN

# Slow: about a thousand requests, a minute.
pytestmark = [pytest.mark.connected, pytest.mark.slow]
EXAMPLES_PER_OPERATION = 20


@dataclass(frozen=True)
class LiveApi:
    base_url: str
    headers: dict[str, str]


def _serve(settings: PublisherSettings) -> tuple[uvicorn.Server, threading.Thread, str]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    # A factory: the runtime must be built inside the server's event loop (aiokafka needs one).
    config = uvicorn.Config(
        lambda: create_app(settings), factory=True, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive(), "the app failed to start"
        assert time.monotonic() < deadline, "the app did not start in time"
        time.sleep(0.02)
    return server, thread, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def live_api(infra) -> Iterator[LiveApi]:
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
    server, thread, base_url = _serve(settings)
    try:
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
                "/v1/releases", json={"newsroom_id": room["id"], "title": "Seed"}, headers=headers
            ).json()
            http.post(f"/v1/releases/{release['id']}/publish", headers=headers).raise_for_status()
        yield LiveApi(base_url=base_url, headers=headers)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        with MongoClient(infra.mongodb_uri) as mongo:
            # See newsroom_shared.testing.fixtures.drop_test_database: no open session may
            # hold writes in a database the local server drops.
            mongo.admin.command({"killAllSessions": []})
            mongo.drop_database(settings.database_name)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _fuzz(operation: APIOperation, mode: GenerationMode, live_api: LiveApi) -> None:
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis.settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        print_blob=True,
    )
    def examples(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=live_api.headers, checks=CHECKS)

    examples()


def test_every_operation_answers_as_documented(live_api: LiveApi) -> None:
    # Schemathesis' pytest loader (from_fixture) breaks on pytest 9.2 (it reads Function._nodeid),
    # so the operations are driven with hypothesis directly, both valid and invalid inputs.
    schema = schemathesis.openapi.from_url(f"{live_api.base_url}/openapi.json")
    failures: dict[str, BaseException] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, live_api)
            except hypothesis.errors.Unsatisfiable:
                pass  # no invalid input exists for an operation without parameters
            except (Exception, BaseExceptionGroup) as failure:  # schemathesis raises groups
                failures[f"{operation.label} ({mode.value})"] = failure
    report = "\n\n".join(f"{label}:\n{failure}" for label, failure in failures.items())
    assert not failures, report
