"""Every service's committed OpenAPI document is the one its app serves (outside systems build
on it), and every operation documents its errors: one test for all services, found by their
committed ``services/<name>/openapi.json``."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

SERVICES = sorted(
    p.parent.name for p in (Path(__file__).parents[2] / "services").glob("*/openapi.json")
)
NOT_API = ("/healthz", "/readyz", "/metrics")


def document_of(service: str) -> str:
    return importlib.import_module(f"{service}.entrypoints.cli").openapi_document()


def test_every_service_is_covered() -> None:
    assert {"publisher", "distribution", "media", "comments", "listening"} <= set(SERVICES)


@pytest.mark.parametrize("service", SERVICES)
def test_committed_openapi_matches_the_app(service: str) -> None:
    committed = Path(__file__).parents[2] / "services" / service / "openapi.json"
    assert committed.read_text() == document_of(service), (
        f"services/{service}/openapi.json is out of date: regenerate it with "
        f"`./dev run python -m {service} openapi > services/{service}/openapi.json`"
    )


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_documents_its_errors(service: str) -> None:
    document = json.loads(document_of(service))
    for path, operations in document["paths"].items():
        if path in NOT_API:
            continue
        for method, operation in operations.items():
            statuses = {code for code in operation["responses"] if code.startswith("4")}
            assert statuses, f"{service}: {method.upper()} {path} documents no error answer"
            assert operation.get("summary"), (service, method, path)
            assert operation.get("description"), (service, method, path)
