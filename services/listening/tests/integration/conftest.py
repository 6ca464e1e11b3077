"""Listening's integration tests: tests/listening_fakes importable, the app on the real
servers."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

# Tests run with --import-mode=importlib (no sys.path changes): make tests/listening_fakes
# importable. (Each service names its test helpers after itself: all share one sys.path.)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from listening_fakes.auth import api_settings, staff_api_on_own_database


@pytest.fixture
async def api(infra: Any, unique: str, mongo_client: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The API alone (no consumers), on a database of its own."""
    settings = api_settings(infra, unique)
    async with staff_api_on_own_database(settings, mongo_client) as client:
        yield client
