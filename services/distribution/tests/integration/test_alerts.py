"""Staff alerts against the real broker and database, with the SMTP sink and the verifying
webhook receiver: a MentionSpike consumed becomes one email per staff address and one signed
webhook per named channel, once however often it is delivered; a malformed spike goes to the
dead-letter topic; the alert recipients API is the tenant's own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fakes import FakeWebhookReceiver
from fakes.auth import api_settings, distribution_of, headers
from fakes.smtp_sink import SmtpSink
from fakes.webhooks import SECRET

from distribution.adapters.mongo.channels import MongoChannels
from distribution.domain.channels import Channel, MastodonConfig, WebhookConfig
from distribution.main import create_app
from newsroom_shared.dlq.reader import open_dlq
from newsroom_shared.events.distribution import DeliverySucceeded
from newsroom_shared.events.envelope import envelope_for
from newsroom_shared.events.listening import MentionSpike
from newsroom_shared.http.auth import Scope
from newsroom_testing.consumer import RawMessage, eventually, produce, produce_envelopes
from newsroom_testing.fixtures import drop_test_database
from newsroom_testing.staff import TokenAuthenticator, running

pytestmark = pytest.mark.connected
LISTENING = "/newsroom/listening"
NOW = datetime(2030, 1, 1, 9, tzinfo=UTC)


@pytest.fixture
async def api(
    infra: Any, unique: str, mongo_client: Any, smtp_sink: SmtpSink
) -> AsyncIterator[httpx.AsyncClient]:
    settings = api_settings(
        infra,
        unique,
        consumers_enabled=True,
        worker_enabled=True,
        worker_interval_s=0.05,
        retry_backoff_initial_s=0.01,
        retry_backoff_max_s=0.05,
        outbox_poll_interval_s=0.1,
        smtp_host=smtp_sink.host,
        smtp_port=smtp_sink.port,
        smtp_timeout_s=5.0,
        smtp_local_hostname="distribution.test",
        http_timeout_s=2.0,
        worker_lease_s=60.0,
        alert_sender="alerts@newsroom.example",
    )
    # Any tenant: each test makes its own, so spikes other tests left on the topic meet none.
    app = create_app(settings, authenticator=TokenAuthenticator(tenants=None))
    try:
        async with running(app) as client:
            yield client
    finally:
        await drop_test_database(mongo_client, settings.database_name)


def spike(tenant: str, query: str = "q1") -> MentionSpike:
    return MentionSpike(
        tenant_id=tenant,
        query_id=query,
        query_name="Roadrunner",
        window_start=NOW - timedelta(hours=1),
        window_end=NOW,
        count=40,
        baseline=2.0,
        ratio=20.0,
        negative_share=0.5,
        sample_mention_ids=["m1", "m2"],
        detected_at=NOW,
        window="hour",
        trigger="volume",
        baseline_negative_share=0.1,
    )


async def add_channel(api: httpx.AsyncClient, tenant: str, channel_id: str, config: Any) -> None:
    distribution = distribution_of(api)
    channels = MongoChannels(distribution.runtime.db, distribution.cipher)
    await channels.save(
        Channel(id=channel_id, tenant_id=tenant, name=channel_id, newsroom_id=None, config=config)
    )


async def set_recipients(
    api: httpx.AsyncClient, tenant: str, emails: list[str], hooks: list[str]
) -> httpx.Response:
    return await api.put(
        "/v1/alert-recipients",
        json={"emails": emails, "webhook_channel_ids": hooks},
        headers=headers(tenant, Scope.admin),
    )


async def succeeded(api: httpx.AsyncClient, tenant: str) -> list[DeliverySucceeded]:
    outbox = distribution_of(api).runtime.db["outbox"]
    return [
        DeliverySucceeded.model_validate_json(event["value"])
        async for document in outbox.find({})
        for event in document["events"]
        if event["topic"] == DeliverySucceeded.topic and event["tenant_id"] == tenant
    ]


@pytest.mark.slow
async def test_a_spike_is_emailed_and_posted_signed_once(
    api: httpx.AsyncClient,
    unique: str,
    infra: Any,
    smtp_sink: SmtpSink,
    webhook_receiver: FakeWebhookReceiver,
) -> None:
    tenant = f"t-{unique}"
    hook = f"hook-{unique}"
    config = WebhookConfig(url=webhook_receiver.url, secret=SECRET, allow_insecure_url=True)
    await add_channel(api, tenant, hook, config)
    staff = [f"pr-{unique}@acme.example", f"ceo-{unique}@acme.example"]
    answer = await set_recipients(api, tenant, staff, [hook])
    assert answer.status_code == 200, answer.text

    event = envelope_for(spike(tenant), source=LISTENING)
    # The same event twice, then another spike of the same query (same key, same partition):
    # once the second spike's alerts are sent, the duplicate was consumed before it.
    later = envelope_for(spike(tenant), source=LISTENING)
    await produce_envelopes(infra.kafka_bootstrap_servers, [event, event, later])

    async def all_sent() -> list[DeliverySucceeded] | None:
        found = await succeeded(api, tenant)
        return found if len(found) >= 6 else None

    events = await eventually(all_sent, timeout_s=60)
    assert len(events) == 6  # two spikes, three recipients each: the duplicate added none
    assert {e.about for e in events} == {"alert"}
    assert not any("@" in e.recipient for e in events)  # keyed digests, never addresses
    for address in staff:
        mails = smtp_sink.received_by(address)
        assert len(mails) == 2
        assert "Roadrunner" in str(mails[0].message["Subject"])
        assert "40 mentions in the last hour" in mails[0].message.get_content()
    assert len(webhook_receiver.received) == 2  # both verified with the channel's secret
    payloads = [received.payload for received in webhook_receiver.received.values()]
    assert {p["type"] for p in payloads} == {MentionSpike.ce_type}
    assert {p["data"]["query_id"] for p in payloads} == {"q1"}


@pytest.mark.slow
async def test_a_malformed_spike_is_dead_lettered_and_the_next_applies(
    api: httpx.AsyncClient, unique: str, infra: Any, smtp_sink: SmtpSink
) -> None:
    tenant = f"t-{unique}"
    staff = f"pr-{unique}@acme.example"
    assert (await set_recipients(api, tenant, [staff], [])).status_code == 200
    good = envelope_for(spike(tenant), source=LISTENING)
    bad_headers = [(name, value) for name, value in good.headers().items() if name != "ce_id"]
    marker = f"bad-{unique}".encode()
    await produce(
        infra.kafka_bootstrap_servers,
        MentionSpike.topic,
        [RawMessage(b'{"tenant_id": "' + marker + b'"}', b"q1", [*bad_headers, ("ce_id", marker)])],
    )
    await produce_envelopes(infra.kafka_bootstrap_servers, [good])

    async def mailed() -> bool:
        return len(smtp_sink.received_by(staff)) == 1

    assert await eventually(mailed, timeout_s=60)

    async def dead_letter() -> bool:
        topic = f"{MentionSpike.topic}.dlq"
        async with open_dlq(infra.kafka_bootstrap_servers, topic, f"reader-{unique}") as dlq:
            return any(record.value and marker in record.value for record in await dlq.read({}))

    assert await eventually(dead_letter, timeout_s=60)


async def test_alert_recipients_are_the_tenants_own(api: httpx.AsyncClient, unique: str) -> None:
    mine, theirs = f"a-{unique}", f"b-{unique}"
    config = WebhookConfig(url="https://hooks.example/x", secret=SECRET)
    await add_channel(api, theirs, f"hook-{theirs}", config)
    await add_channel(
        api,
        mine,
        f"masto-{mine}",
        MastodonConfig(instance_url="https://mastodon.example", access_token="token"),
    )
    for hook in (f"hook-{theirs}", f"masto-{mine}", "missing"):
        refused = await set_recipients(api, mine, [], [hook])
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert "not a webhook channel of yours" in refused.json()["detail"]
    bad_address = await set_recipients(api, mine, ["not an address"], [])
    assert bad_address.status_code == 422

    assert (await set_recipients(api, mine, ["PR@acme.example"], [])).status_code == 200
    read = await api.get("/v1/alert-recipients", headers=headers(mine, Scope.editor))
    assert read.json()["emails"] == ["pr@acme.example"]
    other = await api.get("/v1/alert-recipients", headers=headers(theirs, Scope.editor))
    assert other.json()["emails"] == []
    viewer = await api.get("/v1/alert-recipients", headers=headers(mine, Scope.viewer))
    assert viewer.status_code == 403
    editor = await set_recipients_as(api, mine, Scope.editor)
    assert editor.status_code == 403


async def set_recipients_as(api: httpx.AsyncClient, tenant: str, scope: Scope) -> httpx.Response:
    return await api.put(
        "/v1/alert-recipients", json={"emails": []}, headers=headers(tenant, scope)
    )
