"""Newsrooms leave the publisher as events, through the outbox, so other services keep a read
model of them; ``republish-newsrooms`` sends every newsroom again."""

from __future__ import annotations

import json

import pytest

from newsroom_shared.events.envelope import header_map
from newsroom_shared.events.publisher import NewsroomCreated, NewsroomUpdated

from .conftest import Client, events_of, running
from .test_cli import run_cli

pytestmark = pytest.mark.connected


async def test_creating_and_changing_a_newsroom_send_its_facts_with_growing_versions(
    client: Client, settings, unique
) -> None:
    tenant = await client.new_tenant()
    room = await tenant.newsroom(f"acme-{unique}", name="Acme Newsroom")
    await tenant.ok("PATCH", f"/v1/newsrooms/{room['id']}", json={"name": "Acme News"})
    await client.outbox_drained()

    servers = settings.kafka_bootstrap_servers
    [created] = await events_of(servers, NewsroomCreated.topic, room["id"])
    [updated] = await events_of(servers, NewsroomUpdated.topic, room["id"])
    assert header_map(created.headers)["ce_tenantid"] == tenant.id
    assert header_map(updated.headers)["ce_type"] == NewsroomUpdated.ce_type
    first, second = json.loads(created.value), json.loads(updated.value)
    assert {k: first[k] for k in ("tenant_id", "newsroom_id", "slug", "name", "version")} == {
        "tenant_id": tenant.id,
        "newsroom_id": room["id"],
        "slug": f"acme-{unique}",
        "name": "Acme Newsroom",
        "version": 1,
    }
    assert (second["name"], second["version"], second["default_language"]) == ("Acme News", 2, "en")


async def test_republish_sends_every_newsroom_again_at_its_current_version(
    settings, clock, drop_database, unique
) -> None:
    async with running(settings, clock) as client:
        tenant = await client.new_tenant()
        room = await tenant.newsroom(f"acme-{unique}")
        await tenant.ok("PATCH", f"/v1/newsrooms/{room['id']}", json={"name": "Renamed"})

        out, _ = await run_cli(settings, "republish-newsrooms")
        assert "republished 1 newsrooms" in out
        await client.outbox_drained()  # the running publisher's relay sends what the CLI wrote

        updates = await events_of(
            settings.kafka_bootstrap_servers, NewsroomUpdated.topic, room["id"]
        )
        versions = [(json.loads(r.value)["name"], json.loads(r.value)["version"]) for r in updates]
        assert versions == [("Renamed", 2), ("Renamed", 2)]  # the change, then its republish
