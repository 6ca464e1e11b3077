"""The committed OpenAPI document is the one the app serves (outside systems build on it)."""

from __future__ import annotations

from pathlib import Path

from comments.entrypoints.cli import openapi_document

COMMITTED = Path(__file__).resolve().parents[2] / "openapi.json"


def test_committed_openapi_matches_the_app() -> None:
    assert COMMITTED.read_text() == openapi_document(), (
        "services/comments/openapi.json is out of date: regenerate it with "
        "`./dev run python -m comments openapi > services/comments/openapi.json`"
    )
