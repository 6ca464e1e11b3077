"""Staff alerts on in-memory ports: the recipients setting (addresses normalised, webhooks
only of the tenant's own webhook channels), a spike planned once per event to each recipient,
and the worker sending it through the same claim path, senders and outcome events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest

from distribution.domain.alerts import ALERT_EMAIL_CHANNEL, alert_id
from distribution.domain.channels import WebhookConfig
from distribution.domain.delivery import DeliveryStatus
from distribution.domain.email.alert import alert_message
from distribution.domain.subscribers import keyed_digest
from distribution.domain.suppressions import mask_email
from distribution.service import alerts, deliveries
from distribution.service.delivering import Deliverer
from distribution.service.errors import InvalidInputError
from newsroom_shared.events.distribution import DeliverySucceeded
from newsroom_shared.events.listening import MentionSpike

TENANT, OTHER = "tenant-a", "tenant-b"
KEY = b"digest-key"
SECRET = "whsec_" + "A" * 44
T = datetime(2030, 1, 1, 9, tzinfo=UTC)


def spike(tenant: str = TENANT) -> MentionSpike:
    return MentionSpike(
        tenant_id=tenant,
        query_id="q1",
        query_name="Roadrunner",
        window_start=T - timedelta(hours=1),
        window_end=T,
        count=42,
        baseline=3.5,
        ratio=12.0,
        negative_share=0.8,
        sample_mention_ids=["m1", "m2"],
        detected_at=T,
        window="hour",
        trigger="negative_share",
        baseline_negative_share=0.1,
    )


def deliverer(units, far, clock) -> Deliverer:
    return Deliverer(
        units, far.senders, clock, digest_key=KEY, owner="w1", lease=timedelta(minutes=5)
    )


async def run(worker: Deliverer) -> int:
    batch = await worker.claim(100)
    for claimed in batch.claimed:
        assert not await worker.cancel_if_unreachable(claimed, batch.context)
        await worker.record(await worker.attempt(claimed, batch.context))
    return len(batch.claimed)


@pytest.fixture
def hook(seed):
    return seed.channel(WebhookConfig(url="https://hooks.example/alerts", secret=SECRET))


async def set_recipients(units, clock, emails, hooks, tenant: str = TENANT):
    return await units.transact(
        lambda uow: alerts.set_recipients(uow, tenant, emails, hooks, clock.now())
    )


async def test_the_setting_normalises_addresses_and_keeps_the_tenants_webhooks(
    units, clock, hook
) -> None:
    saved = await set_recipients(units, clock, ["PR@Acme.example", "pr@acme.example"], [hook.id])
    assert saved.emails == ("pr@acme.example",)
    assert saved.webhook_channel_ids == (hook.id,)
    assert await alerts.get_recipients(units.reader(), TENANT, clock.now()) == saved
    nobody = await alerts.get_recipients(units.reader(), OTHER, clock.now())
    assert nobody.empty


async def test_another_tenants_channel_or_a_non_webhook_is_refused(units, clock, seed, hook):
    mastodon = seed.mastodon_channel()
    for channel_id in (mastodon.id, "missing"):
        with pytest.raises(InvalidInputError, match="not a webhook channel of yours"):
            await set_recipients(units, clock, [], [channel_id])
    with pytest.raises(InvalidInputError, match="not a webhook channel of yours"):
        await set_recipients(units, clock, [], [hook.id], tenant=OTHER)


async def test_a_spike_is_planned_once_per_event_to_each_recipient(units, clock, hook) -> None:
    await set_recipients(units, clock, ["pr@acme.example", "ceo@acme.example"], [hook.id])

    async def consume() -> int:
        return await units.transact(
            lambda uow: alerts.plan_spike_alert(uow, spike(), "event-1", clock.now())
        )

    assert await consume() == 3
    assert await consume() == 0  # the same event again: the same ids, nothing new
    deliveries = list(units.store.deliveries.values())
    assert {d.release_id for d in deliveries} == {alert_id("event-1")}
    assert all(d.alert for d in deliveries)
    assert sorted(d.channel_id for d in deliveries) == sorted(
        [ALERT_EMAIL_CHANNEL, ALERT_EMAIL_CHANNEL, hook.id]
    )


async def test_a_tenant_without_recipients_gets_no_alert(units, clock) -> None:
    planned = await units.transact(
        lambda uow: alerts.plan_spike_alert(uow, spike(), "event-1", clock.now())
    )
    assert planned == 0
    assert units.store.deliveries == {}


async def test_the_worker_sends_alerts_through_smtp_and_the_webhook_sender(
    units, far, clock, hook
) -> None:
    await set_recipients(units, clock, ["pr@acme.example"], [hook.id])
    await units.transact(lambda uow: alerts.plan_spike_alert(uow, spike(), "e1", clock.now()))
    assert await run(deliverer(units, far, clock)) == 2
    assert {d.status for d in units.store.deliveries.values()} == {DeliveryStatus.SENT}
    [message] = far.email.sent
    assert isinstance(message, EmailMessage)
    assert message["To"] == "pr@acme.example"
    assert "Roadrunner" in message["Subject"]
    assert "negative" in message["Subject"]
    assert "m1" in message.get_content()
    [(url, payload, _)] = far.webhooks.delivered
    assert url == "https://hooks.example/alerts"
    assert payload["type"] == MentionSpike.ce_type
    assert payload["data"]["query_id"] == "q1"
    assert payload["data"]["count"] == 42
    events = [e for e in units.events if isinstance(e, DeliverySucceeded)]
    assert {e.about for e in events} == {"alert"}
    email_event = next(e for e in events if e.channel_kind == "email")
    assert email_event.recipient == keyed_digest("pr@acme.example", KEY)  # never the address
    # The deliveries API lists them under the alert's id, the staff address masked.
    alert = alert_id("e1")
    listed = await deliveries.list_deliveries(
        units.reader(), TENANT, alert, channel_id=None, status=None, after_id=None, limit=10
    )
    shown = await deliveries.shown_recipients(units.reader(), TENANT, listed)
    assert sorted(shown.values()) == sorted([mask_email("pr@acme.example"), hook.recipient])


def test_the_alert_email_says_what_spiked() -> None:
    facts = spike().model_dump(mode="json")
    message = alert_message(
        facts, to="pr@acme.example", sender="alerts@newsroom.example", message_id="d1", now=T
    )
    text = message.get_content()
    assert message["Subject"] == "Spike in negative mentions of “Roadrunner”"
    assert "42 mentions in the last hour" in text
    assert "12.0 times the usual" in text
    assert "Negative: 80% of them (usually 10%)." in text
    assert message["Message-ID"] == "<d1@newsroom.example>"
