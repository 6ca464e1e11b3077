"""The committed OpenAPI document is the one the app serves (outside systems build on it)."""

from __future__ import annotations

import json
from pathlib import Path

from media.entrypoints.cli import openapi_document

COMMITTED = Path(__file__).resolve().parents[2] / "openapi.json"


def test_committed_openapi_matches_the_app() -> None:
    assert COMMITTED.read_text() == openapi_document(), (
        "services/media/openapi.json is out of date: regenerate it with "
        "`uv run python -m media openapi > services/media/openapi.json`"
    )


def test_every_operation_documents_its_errors() -> None:
    document = json.loads(openapi_document())
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if path in ("/healthz", "/readyz", "/metrics"):
                continue
            statuses = {code for code in operation["responses"] if code.startswith("4")}
            assert statuses, f"{method.upper()} {path} documents no error answer"
            assert operation.get("summary"), (method, path)
            assert operation.get("description"), (method, path)
