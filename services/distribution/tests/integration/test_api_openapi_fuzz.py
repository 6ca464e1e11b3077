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
from typing import Any

import httpx
import hypothesis
import hypothesis.errors
import pytest
import schemathesis
import uvicorn
from fakes.auth import TokenAuthenticator, api_settings, headers
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

from distribution.config import DistributionSettings
from distribution.main import create_app

pytestmark = [pytest.mark.connected, pytest.mark.slow]
EXAMPLES_PER_OPERATION = 15
TENANT = "tenant-a"


@dataclass(frozen=True)
class LiveApi:
    base_url: str
    headers: dict[str, str]


def _serve(settings: DistributionSettings) -> tuple[uvicorn.Server, threading.Thread, str]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    # A factory: the runtime must be built inside the server's event loop (aiokafka needs one).
    config = uvicorn.Config(
        lambda: create_app(settings, authenticator=TokenAuthenticator()),
        factory=True,
        log_level="warning",
        lifespan="on",
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
def live_api(infra: Any) -> Iterator[LiveApi]:
    settings = api_settings(infra, f"fuzz_{uuid.uuid4().hex[:10]}", log_level="CRITICAL")
    server, thread, base_url = _serve(settings)
    staff = headers(TENANT)
    try:
        with httpx.Client(base_url=base_url) as http:
            http.post(
                "/v1/channels",
                json={
                    "newsroom_id": "n1",
                    "kind": "email",
                    "name": "News",
                    "settings": {"sender": "news@acme.example"},
                },
                headers=staff,
            ).raise_for_status()
            http.post(
                "/v1/public/newsrooms/n1/subscribers", json={"email": "jane@example.org"}
            ).raise_for_status()
        yield LiveApi(base_url=base_url, headers=staff)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        mongo: MongoClient[dict[str, Any]]
        with MongoClient(infra.mongodb_uri) as mongo:
            # See newsroom_shared.testing.fixtures.drop_test_database.
            mongo.admin.command({"killAllSessions": []})
            mongo.drop_database(settings.database_name)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _fuzz(
    operation: APIOperation[Any, Any, Any, Any], mode: GenerationMode, live_api: LiveApi
) -> None:
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis.settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        print_blob=True,
    )
    def examples(case: schemathesis.Case[Any]) -> None:
        case.call_and_validate(headers=live_api.headers, checks=CHECKS)

    examples()


def test_every_operation_answers_as_documented(live_api: LiveApi) -> None:
    schema = schemathesis.openapi.from_url(f"{live_api.base_url}/openapi.json")
    failures: dict[str, BaseException] = {}
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) > 15
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
