"""Schemathesis over a service's whole OpenAPI, against the app served for real.

Every service's test suite runs it: schemathesis' own engine (what ``st run`` runs) with every
phase it has (examples, coverage, fuzzing, stateful) and **every check** enabled, so a finding
is anything schemathesis would report: a 5xx, an undocumented status code, header or body, a
schema-valid request rejected, an invalid one accepted, a wrong answer to an undeclared method,
an ``Allow`` header that does not match the document, auth that is ignored. The app runs under
uvicorn in a thread (its own event loop, real HTTP). (Schemathesis' pytest loader,
``from_fixture``, breaks on pytest 9.2: it reads ``Function._nodeid``.)

One check is narrowed, never dropped: ``positive_data_acceptance`` (a schema-valid request must
not be refused) excuses a refusal only when the problem names a rule JSON Schema cannot state
and the service's test lists it with its reason (``unstated_rules``): a cursor is valid only if
the server issued it, a link token only if it signed it; "in the future" needs the clock; "one
of media_ids" relates two fields; "a public address" (an SSRF guard) needs address ranges.
Every other refusal of schema-valid input still fails.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import schemathesis
import uvicorn
from fastapi import FastAPI
from pymongo import MongoClient
from schemathesis import engine
from schemathesis.checks import CheckContext
from schemathesis.config import SchemathesisConfig
from schemathesis.config._checks import POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES
from schemathesis.core.failures import Failure
from schemathesis.core.transport import Response
from schemathesis.engine import Status, events
from schemathesis.specs.openapi.checks import positive_data_acceptance

# Seeded: a finding in CI replays on a laptop. Change it to explore other inputs.
SEED = 20261203

# The rules the running service may refuse schema-valid input for (see the module docstring):
# problem ``code``s or field ``location``s, each with the reason no schema states it.
_unstated_rules: dict[str, str] = {}


@schemathesis.check
def positive_data_acceptance_beyond_unstated_rules(
    ctx: CheckContext, response: Response, case: schemathesis.Case[Any]
) -> bool | None:
    """Schemathesis' ``positive_data_acceptance``, excusing only the listed unstated rules."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except Failure:
        if _refused_only_by_unstated_rules(response):
            return None
        raise


def _refused_only_by_unstated_rules(response: Response) -> bool:
    try:
        problem = response.json()
    except ValueError:
        return False
    if not isinstance(problem, dict):
        return False
    if problem.get("code") in _unstated_rules:
        return True
    locations = {error.get("location") for error in problem.get("errors") or []}
    return (
        problem.get("code") == "validation_failed"
        and bool(locations)
        and all(location in _unstated_rules for location in locations)
    )


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
    """:func:`newsroom_testing.fixtures.drop_test_database` for synchronous code: no open
    session may hold writes in a database the local server drops."""
    mongo: MongoClient[dict[str, Any]]
    with MongoClient(mongodb_uri) as mongo:
        mongo.admin.command({"killAllSessions": []})
        mongo.drop_database(name)


def fuzz_config(headers: dict[str, str], examples_per_operation: int) -> SchemathesisConfig:
    """All phases and all checks (schemathesis' defaults), seeded, no state kept between runs."""
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "headers": headers,
            "workers": 1,
            "cache": {"enabled": False},
            "generation": {
                "mode": "all",
                "max-examples": examples_per_operation,
                "database": "none",
            },
            # Every check; the built-in positive_data_acceptance runs inside its narrowed form.
            # 412 joins the statuses a valid request may get: If-Match is checked against the
            # stored version, which no request schema can know.
            "checks": {
                "enabled": True,
                "positive_data_acceptance": {
                    "enabled": False,
                    "expected-statuses": [*POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES, "412"],
                },
            },
            "phases": {"enabled": True},
        }
    )


def fuzz_every_operation(
    base_url: str,
    headers: dict[str, str],
    *,
    examples_per_operation: int,
    at_least: int,
    unstated_rules: Mapping[str, str],
) -> None:
    """Run schemathesis over every operation of the served OpenAPI; fails with a report of
    every finding. ``at_least`` guards against an empty document."""
    _unstated_rules.clear()
    _unstated_rules.update(unstated_rules)
    config = fuzz_config(headers, examples_per_operation)
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json", config=config)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= at_least, f"only {len(operations)} operations in the document"
    findings = list(_findings(engine.from_schema(schema).execute()))
    report = "\n\n".join(findings)
    assert not findings, f"{len(findings)} findings:\n\n{report}"


def _findings(stream: Any) -> Iterator[str]:
    """Each failed check, error and interruption of an engine run, as readable text."""
    seen: set[tuple[str, str, str]] = set()
    for event in stream:
        if isinstance(event, events.ScenarioFinished) and event.status != Status.SKIP:
            for checks in event.recorder.checks.values():
                for check in checks:
                    info = check.failure_info
                    if check.status != Status.FAILURE or info is None:
                        continue
                    key = (event.recorder.label, check.name, info.failure.title)
                    if key in seen:
                        continue
                    seen.add(key)
                    yield (
                        f"[{event.phase.value}] {event.recorder.label}: {check.name}: "
                        f"{info.failure.title}\n{info.failure.message}\n{info.code_sample}"
                    )
        elif isinstance(event, events.NonFatalError):
            yield f"error in {event.label}: {event.value!r}"
        elif isinstance(event, events.FatalError):
            yield f"fatal: {event.exception!r}"
        elif isinstance(event, events.EngineFinished):
            yield from (f"{f.operation}: {f.title}\n{f.message}" for f in event.failures)
