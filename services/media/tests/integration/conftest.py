"""Running the media app for real: local Kafka-protocol broker and MongoDB-protocol server,
a fresh database per test, a test authenticator."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

# Tests run with --import-mode=importlib (no sys.path changes): make tests/media_support importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from media_support.app import media_api, settings_for
from media_support.s3 import moto_endpoint as moto_endpoint  # the fixture: S3 on localhost

from media.config import MediaSettings
from newsroom_testing.clock import FakeClock
from newsroom_testing.fixtures import drop_test_database


@pytest.fixture
def settings(infra, unique) -> MediaSettings:
    return settings_for(infra, unique)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def drop_database(mongo_client, settings) -> AsyncIterator[None]:
    yield
    await drop_test_database(mongo_client, settings.database_name)


@pytest.fixture
async def api(settings, clock, drop_database) -> AsyncIterator[httpx.AsyncClient]:
    async with media_api(settings, clock) as client:
        yield client
