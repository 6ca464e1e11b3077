"""The publisher's newsroom events in, through the real broker: distribution's newsroom read
model keeps the newest version, whatever arrives late or twice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fakes.auth import api_settings, distribution_of, staff_api
from fakes.newsrooms import newsroom_created

from distribution.domain.newsrooms import Newsroom
from newsroom_shared.events.envelope import envelope_for
from newsroom_shared.events.publisher import NewsroomUpdated
from newsroom_testing.consumer import eventually, produce_envelopes
from newsroom_testing.fixtures import drop_test_database

pytestmark = pytest.mark.connected
PUBLISHER = "/newsroom/publisher"


@pytest.fixture
async def api(infra: Any, unique: str, mongo_client: Any) -> AsyncIterator[httpx.AsyncClient]:
    settings = api_settings(
        infra,
        unique,
        consumers_enabled=True,
        retry_backoff_initial_s=0.01,
        retry_backoff_max_s=0.05,
    )
    try:
        async with staff_api(settings) as client:
            yield client
    finally:
        await drop_test_database(mongo_client, settings.database_name)


def updated(created: Any, version: int, name: str) -> NewsroomUpdated:
    data = {**created.model_dump(), "version": version, "name": name}
    return NewsroomUpdated(**{**data, "updated_at": datetime.now(UTC)})


async def test_the_newest_version_wins_over_late_and_repeated_events(
    api: httpx.AsyncClient, infra: Any, unique: str
) -> None:
    tenant = f"t-{unique}"
    created = newsroom_created(tenant, f"n-{unique}", slug=f"acme-{unique}", name="Acme")
    first = envelope_for(created, source=PUBLISHER)
    newest = envelope_for(updated(created, 3, "Acme Three"), source=PUBLISHER)
    late = envelope_for(updated(created, 2, "Acme Two"), source=PUBLISHER)
    # The older update arrives after the newer one, and the creation comes twice.
    await produce_envelopes(infra.kafka_bootstrap_servers, [first, newest, late, first])

    db = distribution_of(api).runtime.db
    late_key = f"{tenant}:distribution.newsroom-updated:{late.id}"

    async def late_one_applied() -> bool:
        return await db["inbox"].find_one({"_id": late_key}) is not None

    await eventually(late_one_applied, timeout_s=60)
    reader = distribution_of(api).reader()
    stored = await reader.newsrooms.get(tenant, created.newsroom_id)
    assert stored == Newsroom(
        tenant_id=tenant,
        id=created.newsroom_id,
        slug=f"acme-{unique}",
        name="Acme Three",
        default_language="en",
        version=3,
    )
    assert await reader.newsrooms.with_slug(f"acme-{unique}") == stored
    assert await reader.newsrooms.get("another-tenant", created.newsroom_id) is None
