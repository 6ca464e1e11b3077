"""Fakes of the social networks and a webhook receiver on loopback, one per session, emptied
before each test; and an HTTP client for the adapters."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TypeVar

import httpx
import pytest

# Tests run with --import-mode=importlib (no sys.path changes): make tests/fakes importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fakes import (
    CLIENT_TIMEOUT,
    FakeBluesky,
    FakeFacebook,
    FakeLinkedIn,
    FakeMastodon,
    FakeServer,
    FakeWebhookReceiver,
    FakeX,
    serving,
)
from fakes.smtp_sink import smtp_sink  # the SMTP sink fixture every test of email shares

__all__ = ["smtp_sink"]

FakeT = TypeVar("FakeT", bound=FakeServer)
FAKES = (FakeMastodon, FakeBluesky, FakeX, FakeLinkedIn, FakeFacebook, FakeWebhookReceiver)


@pytest.fixture(scope="session")
def _running_fakes() -> Iterator[dict[type[FakeServer], FakeServer]]:
    """Every fake, started once (a start takes a moment) and served for the whole session."""
    with ExitStack() as stack:
        yield {kind: stack.enter_context(serving(kind())) for kind in FAKES}


def _emptied(running: dict[type[FakeServer], FakeServer], kind: type[FakeT]) -> FakeT:
    fake = running[kind]
    assert isinstance(fake, kind)
    fake.reset()
    return fake


@pytest.fixture
def fake_mastodon(_running_fakes: dict[type[FakeServer], FakeServer]) -> FakeMastodon:
    return _emptied(_running_fakes, FakeMastodon)


@pytest.fixture
def fake_bluesky(_running_fakes: dict[type[FakeServer], FakeServer]) -> FakeBluesky:
    return _emptied(_running_fakes, FakeBluesky)


@pytest.fixture
def fake_x(_running_fakes: dict[type[FakeServer], FakeServer]) -> FakeX:
    return _emptied(_running_fakes, FakeX)


@pytest.fixture
def fake_linkedin(_running_fakes: dict[type[FakeServer], FakeServer]) -> FakeLinkedIn:
    return _emptied(_running_fakes, FakeLinkedIn)


@pytest.fixture
def fake_facebook(_running_fakes: dict[type[FakeServer], FakeServer]) -> FakeFacebook:
    return _emptied(_running_fakes, FakeFacebook)


@pytest.fixture
def webhook_receiver(_running_fakes: dict[type[FakeServer], FakeServer]) -> FakeWebhookReceiver:
    return _emptied(_running_fakes, FakeWebhookReceiver)


@pytest.fixture
async def http_client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=CLIENT_TIMEOUT) as client:
        yield client
