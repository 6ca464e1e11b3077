"""Fakes of the social networks and a webhook receiver on loopback, one per session, emptied
before each test; and an HTTP client for the adapters."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

# Tests run with --import-mode=importlib (no sys.path changes): make tests/fakes importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fakes import CLIENT_TIMEOUT, FakeBluesky, FakeMastodon, serving


@pytest.fixture(scope="session")
def _mastodon_server() -> Iterator[FakeMastodon]:
    with serving(FakeMastodon()) as fake:
        yield fake


@pytest.fixture
def fake_mastodon(_mastodon_server: FakeMastodon) -> FakeMastodon:
    _mastodon_server.reset()
    return _mastodon_server


@pytest.fixture(scope="session")
def _bluesky_server() -> Iterator[FakeBluesky]:
    with serving(FakeBluesky()) as fake:
        yield fake


@pytest.fixture
def fake_bluesky(_bluesky_server: FakeBluesky) -> FakeBluesky:
    _bluesky_server.reset()
    return _bluesky_server


@pytest.fixture
async def http_client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=CLIENT_TIMEOUT) as client:
        yield client
