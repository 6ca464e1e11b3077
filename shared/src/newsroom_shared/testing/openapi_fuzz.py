"""Schemathesis over a service's whole OpenAPI, against the app served for real.

Every service's test suite runs it: no 5xx on any operation, and every answer matches the
documented status codes and schemas, with valid and invalid inputs. The app runs under uvicorn
in a thread (its own event loop, real HTTP), because schemathesis drives requests synchronously;
hypothesis draws a bounded number of examples per operation. (Schemathesis' pytest loader,
``from_fixture``, breaks on pytest 9.2: it reads ``Function._nodeid``.)
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import hypothesis
import hypothesis.errors
import schemathesis
import uvicorn
from fastapi import FastAPI
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

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@contextmanager
def served(make_app: Callable[[], FastAPI]) -> Iterator[str]:
    """The app from ``make_app`` served on a free loopback port; yields its base URL.

    ``make_app`` is called inside the server's event loop: the runtime must be built there
    (aiokafka needs a running loop)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(make_app, factory=True, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            assert thread.is_alive(), "the app failed to start"
            assert time.monotonic() < deadline, "the app did not start in time"
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def drop_database_now(mongodb_uri: str, name: str) -> None:
    """:func:`newsroom_shared.testing.fixtures.drop_test_database` for synchronous code: no open
    session may hold writes in a database the local server drops."""
    mongo: MongoClient[dict[str, Any]]
    with MongoClient(mongodb_uri) as mongo:
        mongo.admin.command({"killAllSessions": []})
        mongo.drop_database(name)


def _fuzz(
    operation: APIOperation[Any, Any, Any, Any],
    mode: GenerationMode,
    headers: dict[str, str],
    examples: int,
) -> None:
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis.settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        print_blob=True,
    )
    def run(case: schemathesis.Case[Any]) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


def fuzz_every_operation(
    base_url: str, headers: dict[str, str], *, examples_per_operation: int, at_least: int
) -> None:
    """Every operation of the served OpenAPI, valid and invalid inputs; fails with a report of
    every operation that broke a check. ``at_least`` guards against an empty document."""
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= at_least, f"only {len(operations)} operations in the document"
    failures: dict[str, BaseException] = {}
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, headers, examples_per_operation)
            except hypothesis.errors.Unsatisfiable:
                pass  # no invalid input exists for an operation without parameters
            except (Exception, BaseExceptionGroup) as failure:  # schemathesis raises groups
                failures[f"{operation.label} ({mode.value})"] = failure
    report = "\n\n".join(f"{label}:\n{failure}" for label, failure in failures.items())
    assert not failures, report
