"""What an outside consumer sees: one CloudEvent per publication, readable with any SDK."""

import json

import pytest
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event

from newsroom_shared.events.publisher import ReleasePublished
from newsroom_testing.consumer import eventually

from .conftest import PUBLIC_WEB_ORIGIN, events_of

pytestmark = pytest.mark.connected
TOPIC = ReleasePublished.topic


async def test_one_published_event_per_publication(client, infra, unique) -> None:
    acme = await client.new_tenant()
    room = await acme.newsroom(f"acme-{unique}")
    release = await acme.release(room["id"], title="Quarterly results", tags=["Finance"])
    published = await acme.ok("POST", f"/v1/releases/{release['id']}/publish")

    async def published_records():
        return await events_of(infra.kafka_bootstrap_servers, TOPIC, release["id"])

    [record] = await eventually(published_records, timeout_s=30)
    event = from_binary_event(
        KafkaMessage(headers=dict(record.headers), key=record.key, value=record.value)
    )
    url = f"{PUBLIC_WEB_ORIGIN}/acme-{unique}/releases/{release['id']}"  # its web page
    assert event.get_type() == ReleasePublished.ce_type
    assert event.get_subject() == release["id"]
    assert event.get_extension("tenantid") == acme.id
    data = event.get_data()
    data = json.loads(data) if isinstance(data, bytes | str) else data
    assert data["url"] == url == published["url"]
    assert (data["release_id"], data["tenant_id"], data["version"]) == (release["id"], acme.id, 2)
    assert data["tags"] == ["finance"]

    again = await acme.request("POST", f"/v1/releases/{release['id']}/publish")
    assert again.status_code == 409
    assert again.json()["code"] == "illegal_transition"
    await client.outbox_drained()
    assert len(await published_records()) == 1
