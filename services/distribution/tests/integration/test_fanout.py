"""The whole fan-out against the real local broker and database, with fake far sides: a
release event in, exactly one post per channel and one email per reachable subscriber out,
DeliverySucceeded / DeliveryFailed through the outbox, and the failure paths."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from fakes import Failure, FakeBluesky, FakeMastodon, FakeWebhookReceiver
from fakes.bluesky import APP_PASSWORD, HANDLE
from fakes.mastodon import TOKEN
from fakes.server import RETRY_AFTER_SECONDS
from fakes.smtp_sink import SmtpSink
from fakes.webhooks import SECRET
from fastapi import FastAPI

from distribution.adapters.crypto import new_key
from distribution.adapters.mongo.channels import MongoChannels
from distribution.adapters.mongo.deliveries import delivery_from
from distribution.adapters.mongo.subscribers import MongoSubscribers
from distribution.bootstrap import Distribution
from distribution.config import DistributionSettings
from distribution.domain.channels import (
    BlueskyConfig,
    Channel,
    ChannelConfig,
    EmailConfig,
    MastodonConfig,
    WebhookConfig,
)
from distribution.domain.delivery import Delivery, DeliveryStatus
from distribution.domain.fanouts import ReleaseEvent
from distribution.domain.outcomes import Success
from distribution.domain.social import Network, split_thread
from distribution.domain.subscribers import Consent, Subscriber
from distribution.entrypoints.worker import DeliveryWorker
from distribution.main import create_app
from distribution.service.attempts import Attempted, Claimed, claim_due, record_outcomes
from distribution.service.delivering import attempt, load_context
from distribution.service.dispatch import release_for_post
from distribution.service.planning import plan_for_release, withdraw_release
from newsroom_shared.events.distribution import DeliveryFailed, DeliverySucceeded
from newsroom_shared.events.envelope import envelope_for
from newsroom_shared.events.publisher import ReleaseEmbargoed, ReleasePublished, ReleaseWithdrawn
from newsroom_shared.mongo import Database
from newsroom_testing.clock import FakeClock
from newsroom_testing.consumer import eventually, produce_envelopes
from newsroom_testing.fixtures import drop_test_database

pytestmark = pytest.mark.connected
PUBLISHER = "/newsroom/publisher"
SENDER = "news@acme.example"
STATUSES = "/api/v1/statuses"
CREATE_RECORD = "/xrpc/com.atproto.repo.createRecord"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.now(UTC))


@pytest.fixture
def settings(infra: Any, unique: str, smtp_sink: SmtpSink) -> DistributionSettings:
    return DistributionSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
        mongodb_uri=infra.mongodb_uri,
        mongodb_database=f"test_distribution_{unique}",
        consumer_group=f"distribution-{unique}",
        retry_max_attempts=3,
        retry_backoff_initial_s=0.01,
        retry_backoff_max_s=0.05,
        outbox_poll_interval_s=0.1,
        credentials_keys=new_key(),
        subscriber_token_keys="token-key-for-tests",
        recipient_digest_key="digest-key-for-tests",
        public_base_url="https://news.example",
        smtp_host=smtp_sink.host,
        smtp_port=smtp_sink.port,
        smtp_timeout_s=5.0,
        smtp_local_hostname="distribution.test",
        http_timeout_s=2.0,
        worker_interval_s=0.05,
        worker_lease_s=60.0,
        log_json=False,
        consumers_enabled=False,
    )


@pytest.fixture
async def db(mongo_client: Any, settings: DistributionSettings) -> AsyncIterator[Database]:
    yield mongo_client[settings.database_name]
    await drop_test_database(mongo_client, settings.database_name)


@asynccontextmanager
async def running(settings: DistributionSettings, clock: FakeClock) -> AsyncIterator[FastAPI]:
    app = create_app(settings, clock=clock)
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
        yield app


def distribution_of(app: FastAPI) -> Distribution:
    distribution: Distribution = app.state.distribution
    return distribution


def release(tenant: str, clock: FakeClock, release_id: str = "r1") -> ReleasePublished:
    return ReleasePublished(
        tenant_id=tenant,
        release_id=release_id,
        newsroom_id="n1",
        newsroom_slug="acme",
        slug="launch",
        title="Acme launches the rocket skate",
        lead="Faster than ever, and quieter.",
        language="en",
        categories=["products"],
        url=f"https://news.example/acme/{release_id}",
        version=1,
        published_at=clock.now(),
    )


async def add_channels(
    app: FastAPI, tenant: str, configs: Mapping[str, ChannelConfig]
) -> dict[str, Channel]:
    channels = MongoChannels(distribution_of(app).runtime.db, distribution_of(app).cipher)
    saved = {
        name: Channel(id=f"{name}-{tenant}", tenant_id=tenant, name=name, config=config)
        for name, config in configs.items()
    }
    for channel in saved.values():
        await channels.save(channel)
    return saved


def mastodon(fake: FakeMastodon) -> MastodonConfig:
    return MastodonConfig(instance_url=fake.base_url, access_token=TOKEN, allow_insecure_url=True)


def bluesky(fake: FakeBluesky) -> BlueskyConfig:
    return BlueskyConfig(
        service_url=fake.base_url, handle=HANDLE, app_password=APP_PASSWORD, allow_insecure_url=True
    )


def webhook(fake: FakeWebhookReceiver) -> WebhookConfig:
    return WebhookConfig(url=fake.url, secret=SECRET, allow_insecure_url=True)


async def add_subscribers(app: FastAPI, tenant: str, clock: FakeClock) -> dict[str, set[str]]:
    """20 subscribers: 12 confirmed, 4 awaiting confirmation, 4 unsubscribed."""
    now = clock.now()
    consent = Consent(given_at=now, method="double_opt_in")
    people = []
    groups: dict[str, set[str]] = {"confirmed": set(), "pending": set(), "unsubscribed": set()}
    for number in range(20):
        address = f"reader{number}@example.org"
        subscriber = Subscriber.create(
            subscriber_id=f"s{number}-{tenant}",
            tenant_id=tenant,
            newsroom_id="n1",
            email=address,
            consent=consent,
            now=now,
        )
        group = "confirmed" if number < 12 else "pending" if number < 16 else "unsubscribed"
        if group != "pending":
            subscriber = subscriber.confirm(now)
        if group == "unsubscribed":
            subscriber = subscriber.unsubscribe(now)
        groups[group].add(address)
        people.append(subscriber)
    await MongoSubscribers(distribution_of(app).runtime.db).add_many(people)
    return groups


async def attempt_all(worker: DeliveryWorker) -> int:
    """Claims and attempts until nothing is left to claim; how many were attempted."""
    attempted = 0
    while claimed := await worker.run_once():
        attempted += claimed
        await worker.wait_idle()
    return attempted


async def deliveries_of(db: Database, tenant: str) -> list[dict[str, Any]]:
    return await db["deliveries"].find({"tenant_id": tenant}).to_list()


async def outbox_events(
    db: Database, tenant: str, topic: str, *, unsent_only: bool = False
) -> list[dict[str, Any]]:
    """The tenant's events of ``topic`` in the outbox (documents hold many events)."""
    documents = await db["outbox"].find({"sent_at": None} if unsent_only else {}).to_list()
    return [
        event
        for document in documents
        for event in document["events"]
        if (event["tenant_id"], event["topic"]) == (tenant, topic)
    ]


async def claim(app: FastAPI, owner: str, lease: timedelta) -> list[Claimed]:
    """What a worker named ``owner`` claims now (it may then die)."""
    distribution = distribution_of(app)
    return await claim_due(
        distribution.reader(), distribution.clock.now(), 100, owner=owner, lease=lease
    )


async def plan(app: FastAPI, event: ReleaseEvent) -> int:
    distribution = distribution_of(app)
    page_size = distribution.settings.fan_out_page_size
    return await distribution.transact(
        lambda uow: plan_for_release(uow, event, distribution.clock.now(), page_size=page_size)
    )


@pytest.mark.slow
async def test_a_published_release_reaches_every_channel_and_subscriber_exactly_once(
    settings, clock, db, unique, infra, fake_mastodon, fake_bluesky, webhook_receiver, smtp_sink
) -> None:
    tenant = f"t-{unique}"
    async with running(settings.model_copy(update={"consumers_enabled": True}), clock) as app:
        await add_channels(
            app,
            tenant,
            {
                "mastodon": mastodon(fake_mastodon),
                "bluesky": bluesky(fake_bluesky),
                "webhook": webhook(webhook_receiver),
                "email": EmailConfig(sender=SENDER, sender_name="Acme News"),
            },
        )
        groups = await add_subscribers(app, tenant, clock)
        event = envelope_for(release(tenant, clock), source=PUBLISHER)
        await produce_envelopes(infra.kafka_bootstrap_servers, [event])

        expected = 3 + len(groups["confirmed"])

        async def all_sent() -> list[dict[str, Any]]:
            found = await deliveries_of(db, tenant)
            sent = [d for d in found if d["status"] == "sent"]
            return found if len(sent) == expected else []

        deliveries = await eventually(all_sent, timeout_s=60)
        assert len(deliveries) == expected
        # One request each: the far sides' deduplication was never needed.
        assert len(fake_mastodon.requests_to("POST", STATUSES)) == 1
        assert len(fake_bluesky.requests_to("POST", CREATE_RECORD)) == 1
        assert len(webhook_receiver.requests) == 1
        assert len(fake_mastodon.statuses) == 1
        assert len(fake_bluesky.records) == 1
        assert len(webhook_receiver.received) == 1
        for address in groups["confirmed"]:
            assert len(smtp_sink.received_by(address)) == 1
        for address in groups["pending"] | groups["unsubscribed"]:
            assert smtp_sink.received_by(address) == []
        succeeded = await outbox_events(db, tenant, DeliverySucceeded.topic)
        assert len(succeeded) == expected
        # No address in any event: email recipients are keyed digests.
        assert not any(b"@example.org" in bytes(e["value"]) for e in succeeded)

        async def relayed() -> bool:
            unsent = await outbox_events(db, tenant, DeliverySucceeded.topic, unsent_only=True)
            return unsent == []

        # The shared relay published them to Kafka.
        await eventually(relayed, timeout_s=30)

        # The same event again, then the same release under a new event id (same key, so the
        # same partition, after the duplicate): once the second is applied, both were consumed.
        again = envelope_for(release(tenant, clock), source=PUBLISHER)
        await produce_envelopes(infra.kafka_bootstrap_servers, [event, again])

        async def second_applied() -> bool:
            return bool(await db["inbox"].count_documents({"event_id": again.id}) == 1)

        await eventually(second_applied, timeout_s=30)
        await distribution_worker(app).wait_idle()
        assert len(await deliveries_of(db, tenant)) == expected
        assert len(fake_mastodon.statuses) == 1
        assert len(fake_bluesky.records) == 1
        assert len(webhook_receiver.received) == 1
        assert sum(len(smtp_sink.received_by(a)) for a in groups["confirmed"]) == 12
        assert len(await outbox_events(db, tenant, DeliverySucceeded.topic)) == expected


def distribution_worker(app: FastAPI) -> DeliveryWorker:
    worker: DeliveryWorker = app.state.worker
    return worker


@asynccontextmanager
async def worker_for(app: FastAPI) -> AsyncIterator[DeliveryWorker]:
    """A worker driven by the test (``run_once``), the app's own loop being off; its attempts
    end before the app stops, whatever the test asserted."""
    worker = DeliveryWorker(
        distribution_of(app),
        interval_s=1.0,
        batch_size=50,
        lease_s=60.0,
        concurrency={"mastodon": 1, "bluesky": 1, "webhook": 1, "email": 4},
    )
    try:
        yield worker
    finally:
        await worker.stop()


async def statuses_by_kind(db: Database, tenant: str) -> dict[str, Delivery]:
    return {d["channel_kind"]: delivery_from(d) for d in await deliveries_of(db, tenant)}


async def test_a_rate_limited_network_waits_while_the_others_complete(
    settings, clock, db, unique, fake_mastodon, fake_bluesky, webhook_receiver
) -> None:
    tenant = f"t-{unique}"
    fake_mastodon.fail_next(Failure.RATE_LIMITED)
    async with running(settings.model_copy(update={"worker_enabled": False}), clock) as app:
        await add_channels(
            app,
            tenant,
            {
                "mastodon": mastodon(fake_mastodon),
                "bluesky": bluesky(fake_bluesky),
                "webhook": webhook(webhook_receiver),
            },
        )
        assert await plan(app, release(tenant, clock)) == 3
        async with worker_for(app) as worker:
            assert await worker.run_once() == 3
            await worker.wait_idle()
            found = await statuses_by_kind(db, tenant)
            assert found["bluesky"].status is DeliveryStatus.SENT
            assert found["webhook"].status is DeliveryStatus.SENT
            waiting = found["mastodon"]
            assert waiting.status is DeliveryStatus.PENDING
            assert "HTTP 429" in (waiting.last_error or "")
            assert waiting.next_attempt_at >= clock.now() + timedelta(seconds=RETRY_AFTER_SECONDS)
            assert fake_mastodon.statuses == {}
            # Not before the far side said so...
            assert await worker.run_once() == 0
            # ...and then it goes out, once.
            clock.advance(timedelta(seconds=RETRY_AFTER_SECONDS + 1))
            assert await worker.run_once() == 1
            await worker.wait_idle()
            found = await statuses_by_kind(db, tenant)
            assert found["mastodon"].status is DeliveryStatus.SENT
            assert found["mastodon"].attempts == 2
            assert len(fake_mastodon.statuses) == 1
            assert len(await outbox_events(db, tenant, DeliverySucceeded.topic)) == 3


async def test_rejected_credentials_fail_the_delivery_for_good_and_say_why(
    settings, clock, db, unique, fake_mastodon
) -> None:
    tenant = f"t-{unique}"
    fake_mastodon.fail_next(Failure.UNAUTHORIZED)
    async with running(settings.model_copy(update={"worker_enabled": False}), clock) as app:
        await add_channels(app, tenant, {"mastodon": mastodon(fake_mastodon)})
        await plan(app, release(tenant, clock))
        async with worker_for(app) as worker:
            assert await worker.run_once() == 1
            await worker.wait_idle()
            failed = (await statuses_by_kind(db, tenant))["mastodon"]
            assert failed.status is DeliveryStatus.FAILED
            assert failed.failed_permanently
            assert "HTTP 401" in (failed.last_error or "")
            [event] = await outbox_events(db, tenant, DeliveryFailed.topic)
            data = DeliveryFailed.model_validate_json(bytes(event["value"]))
            assert data.permanent
            assert data.delivery_id == failed.id
            assert "401" in data.error
            assert TOKEN not in data.error
            clock.advance(timedelta(days=1))
            assert await worker.run_once() == 0


async def test_a_claim_whose_worker_died_is_retried_once_with_the_same_key(
    settings, clock, db, unique, fake_mastodon
) -> None:
    tenant = f"t-{unique}"
    async with running(settings.model_copy(update={"worker_enabled": False}), clock) as app:
        distribution = distribution_of(app)
        channels = await add_channels(app, tenant, {"mastodon": mastodon(fake_mastodon)})
        event = release(tenant, clock)
        await plan(app, event)
        # A worker claims the delivery, posts, and dies before recording the outcome.
        [dead] = await claim(app, "dead", timedelta(minutes=1))
        posts = split_thread(release_for_post(event.model_dump(mode="json")), Network.MASTODON)
        config = channels["mastodon"].config
        outcome = await distribution.senders.networks["mastodon"].publish(
            config, posts, dead.delivery.idempotency_key
        )
        assert isinstance(outcome, Success)
        async with worker_for(app) as worker:
            assert await worker.run_once() == 0  # the dead worker's lease still holds
            clock.advance(timedelta(minutes=2))
            assert await worker.run_once() == 1
            await worker.wait_idle()
            delivery = (await statuses_by_kind(db, tenant))["mastodon"]
            assert delivery.status is DeliveryStatus.SENT
            assert delivery.attempts == 2
            assert delivery.remote_id == outcome.remote_id
            requests = fake_mastodon.requests_to("POST", STATUSES)
            assert len(requests) == 2
            keys = {r.headers["idempotency-key"] for r in requests}
            assert len(keys) == 1
            assert len(fake_mastodon.statuses) == 1
            assert len(await outbox_events(db, tenant, DeliverySucceeded.topic)) == 1


async def test_a_withdrawal_cancels_what_is_pending_and_asks_to_delete_what_was_posted(
    settings, clock: FakeClock, db: Database, unique, fake_mastodon: FakeMastodon
) -> None:
    tenant = f"t-{unique}"
    async with running(settings.model_copy(update={"worker_enabled": False}), clock) as app:
        distribution = distribution_of(app)
        await add_channels(
            app,
            tenant,
            {"mastodon": mastodon(fake_mastodon), "email": EmailConfig(sender=SENDER)},
        )
        await add_subscribers(app, tenant, clock)
        await plan(app, release(tenant, clock))
        # Only the post goes out before the withdrawal: the emails are still pending (due in
        # an hour).
        await db["deliveries"].update_many(
            {"tenant_id": tenant, "channel_kind": "email"},
            {"$set": {"next_attempt_at": clock.now() + timedelta(hours=1)}},
        )
        async with worker_for(app) as worker:
            assert await worker.run_once() == 1
            await worker.wait_idle()
            withdrawn = ReleaseWithdrawn(
                tenant_id=tenant,
                release_id="r1",
                newsroom_id="n1",
                withdrawn_at=clock.now(),
                reason="x",
            )
            changed = await distribution.transact(
                lambda uow: withdraw_release(uow, withdrawn, clock.now())
            )
            assert changed == 13
            found = await deliveries_of(db, tenant)
            emails = [d for d in found if d["channel_kind"] == "email"]
            assert {d["status"] for d in emails} == {"cancelled"}
            post = (await statuses_by_kind(db, tenant))["mastodon"]
            assert post.status is DeliveryStatus.SENT
            assert post.retraction_requested_at is not None
            # The event again changes nothing, and nothing more goes out, ever.
            assert (
                await distribution.transact(
                    lambda uow: withdraw_release(uow, withdrawn, clock.now())
                )
                == 0
            )
            # The worker deletes the post (the withdrawal's consumer rings the doorbell after
            # its commit; this test applied the event itself); then nothing is left to do, ever.
            distribution.doorbell.ring()
            assert await worker.run_once() == 1
            await worker.wait_idle()
            retracted = (await statuses_by_kind(db, tenant))["mastodon"]
            assert retracted.retracted_at is not None
            assert fake_mastodon.statuses == {}
            deletes = fake_mastodon.requests_to("DELETE", f"{STATUSES}/{post.remote_id}")
            assert len(deletes) == 1
            clock.advance(timedelta(days=1))
            assert await worker.run_once() == 0


async def test_a_subscriber_who_left_after_planning_gets_no_email(
    settings, clock: FakeClock, db: Database, unique, smtp_sink: SmtpSink
) -> None:
    tenant = f"t-{unique}"
    async with running(settings.model_copy(update={"worker_enabled": False}), clock) as app:
        await add_channels(app, tenant, {"email": EmailConfig(sender=SENDER)})
        groups = await add_subscribers(app, tenant, clock)
        assert await plan(app, release(tenant, clock)) == len(groups["confirmed"])
        subscribers = MongoSubscribers(distribution_of(app).runtime.db)
        leaver_id = f"s0-{tenant}"
        [leaver] = (await subscribers.of_ids(tenant, [leaver_id])).values()
        await subscribers.save(leaver.unsubscribe(clock.now()))
        async with worker_for(app) as worker:
            assert await worker.run_once() == len(groups["confirmed"])
            await worker.wait_idle()
            assert smtp_sink.received_by(leaver.email) == []
            others = groups["confirmed"] - {leaver.email}
            assert all(len(smtp_sink.received_by(address)) == 1 for address in others)
            [cancelled] = [
                d for d in await deliveries_of(db, tenant) if d["recipient"] == leaver_id
            ]
            assert cancelled["status"] == "cancelled"
            sent = await outbox_events(db, tenant, DeliverySucceeded.topic)
            assert len(sent) == len(others)


async def test_a_webhook_gets_only_the_event_types_it_subscribed_to(
    settings, clock: FakeClock, db: Database, unique, webhook_receiver: FakeWebhookReceiver
) -> None:
    tenant = f"t-{unique}"
    async with running(settings.model_copy(update={"worker_enabled": False}), clock) as app:
        hooks = {
            "all": WebhookConfig(url=webhook_receiver.url, secret=SECRET, allow_insecure_url=True),
            "withdrawals": WebhookConfig(
                url=webhook_receiver.url + "?only=withdrawn",
                secret=SECRET,
                event_types=("release.withdrawn",),
                allow_insecure_url=True,
            ),
        }
        await add_channels(app, tenant, hooks)
        assert await plan(app, release(tenant, clock)) == 1
        [planned] = await deliveries_of(db, tenant)
        assert planned["channel_id"] == f"all-{tenant}"


async def test_a_fan_out_larger_than_a_page_is_planned_page_by_page_and_sent_once(
    settings, clock, db, unique, smtp_sink
) -> None:
    tenant = f"t-{unique}"
    paged = {"worker_enabled": False, "fan_out_page_size": 5}
    async with running(settings.model_copy(update=paged), clock) as app:
        await add_channels(app, tenant, {"email": EmailConfig(sender=SENDER)})
        groups = await add_subscribers(app, tenant, clock)
        # The release event's own transaction plans the first page only.
        assert await plan(app, release(tenant, clock)) == 5
        async with worker_for(app) as worker:
            # The planner plans the rest, a page per transaction, until a page comes out short.
            assert [await worker.plan_once() for _ in range(3)] == [5, 2, None]
            [fan_out] = await db["fan_outs"].find({"tenant_id": tenant}).to_list()
            assert (fan_out["pages"], fan_out["planned"], fan_out["done"]) == (3, 12, True)
            assert await worker.run_once() == 12
            await worker.wait_idle()
    found = await deliveries_of(db, tenant)
    assert sorted(d["status"] for d in found) == ["sent"] * 12
    for address in groups["confirmed"]:
        assert len(smtp_sink.received_by(address)) == 1


async def test_a_withdrawal_stops_a_fan_out_between_pages(settings, clock, db, unique) -> None:
    tenant = f"t-{unique}"
    paged = {"worker_enabled": False, "fan_out_page_size": 5}
    async with running(settings.model_copy(update=paged), clock) as app:
        distribution = distribution_of(app)
        await add_channels(app, tenant, {"email": EmailConfig(sender=SENDER)})
        await add_subscribers(app, tenant, clock)
        assert await plan(app, release(tenant, clock)) == 5
        withdrawn = ReleaseWithdrawn(
            tenant_id=tenant,
            release_id="r1",
            newsroom_id="n1",
            withdrawn_at=clock.now(),
            reason="x",
        )
        assert (
            await distribution.transact(lambda uow: withdraw_release(uow, withdrawn, clock.now()))
            == 5
        )
        async with worker_for(app) as worker:
            assert await worker.plan_once() is None
            # The planned page's deliveries were cancelled: nothing to claim.
            assert await worker.run_once() == 0
    found = await deliveries_of(db, tenant)
    assert sorted(d["status"] for d in found) == ["cancelled"] * 5


async def test_the_lift_of_an_embargo_mails_everyone_but_the_journalists_who_had_the_preview(
    settings, clock, db, unique, smtp_sink
) -> None:
    tenant = f"t-{unique}"
    lift = clock.now() + timedelta(hours=1)
    paged = {"worker_enabled": False, "fan_out_page_size": 5}
    async with running(settings.model_copy(update=paged), clock) as app:
        await add_channels(app, tenant, {"email": EmailConfig(sender=SENDER)})
        groups = await add_subscribers(app, tenant, clock)
        journalists = {f"reader{n}@example.org" for n in (1, 6, 9)}
        await db["subscribers"].update_many(
            {"tenant_id": tenant, "email": {"$in": sorted(journalists)}},
            {"$set": {"journalist": True}},
        )
        facts = release(tenant, clock).model_dump(exclude={"published_at", "embargo_until"})
        preview = ReleaseEmbargoed(**facts, embargo_until=lift, preview_url="https://p.example/x")
        published = ReleasePublished(**facts, published_at=lift, embargo_until=lift)
        async with worker_for(app) as worker:
            await plan(app, preview)
            while await worker.plan_once() is not None:
                pass
            assert await worker.run_once() == len(journalists)
            await worker.wait_idle()
            clock.set(lift)
            await plan(app, published)
            while await worker.plan_once() is not None:
                pass
            assert await worker.run_once() == len(groups["confirmed"]) - len(journalists)
            await worker.wait_idle()
    for address in groups["confirmed"]:
        assert len(smtp_sink.received_by(address)) == 1
    found = await deliveries_of(db, tenant)
    assert len(found) == len(groups["confirmed"])
    assert {d["recipient"] for d in found if d["under_embargo"]} == {
        d["recipient"] for d in found if d["status"] == "sent" and d["under_embargo"]
    }


async def test_a_page_of_subscribers_who_bounced_or_complained_does_not_end_the_fan_out(
    settings, clock, db, unique, smtp_sink
) -> None:
    """A page is read by the confirmed-subscribers index and those no longer reachable are
    skipped when planning: a page with nobody to mail still moves the fan-out on."""
    tenant = f"t-{unique}"
    paged = {"worker_enabled": False, "fan_out_page_size": 5}
    async with running(settings.model_copy(update=paged), clock) as app:
        await add_channels(app, tenant, {"email": EmailConfig(sender=SENDER)})
        groups = await add_subscribers(app, tenant, clock)
        now = clock.now()
        consent = Consent(given_at=now, method="double_opt_in")
        gone = [
            Subscriber.create(
                # Ids that sort before everyone else's: the first page holds only them.
                subscriber_id=f"a{number}-{tenant}",
                tenant_id=tenant,
                newsroom_id="n1",
                email=f"gone{number}@example.org",
                consent=consent,
                now=now,
            ).confirm(now)
            for number in range(5)
        ]
        gone = [s.mark_bounced() if n % 2 else s.mark_complained() for n, s in enumerate(gone)]
        await MongoSubscribers(distribution_of(app).runtime.db).add_many(gone)
        assert await plan(app, release(tenant, clock)) == 0
        async with worker_for(app) as worker:
            while await worker.plan_once() is not None:
                pass
            assert await attempt_all(worker) == len(groups["confirmed"])
    for address in groups["confirmed"]:
        assert len(smtp_sink.received_by(address)) == 1
    for subscriber in gone:
        assert smtp_sink.received_by(subscriber.email) == []


async def test_an_expired_email_claim_is_taken_over_and_the_old_holders_outcome_is_dropped(
    settings, clock, db, unique, smtp_sink
) -> None:
    """A worker claims the emails and stalls (or dies) before sending; once its lease has run
    out another worker sends them, once each. The first one's late outcome then matches
    nothing: no write, no second event."""
    tenant = f"t-{unique}"
    async with running(settings.model_copy(update={"worker_enabled": False}), clock) as app:
        distribution = distribution_of(app)
        await add_channels(app, tenant, {"email": EmailConfig(sender=SENDER)})
        groups = await add_subscribers(app, tenant, clock)
        await plan(app, release(tenant, clock))
        lease = timedelta(minutes=1)
        stalled = await claim(app, "stalled", lease)
        assert len(stalled) == len(groups["confirmed"])
        async with worker_for(app) as worker:
            assert await worker.run_once() == 0  # the stalled worker's lease still holds
            clock.advance(lease + timedelta(seconds=1))
            assert await attempt_all(worker) == len(stalled)
        late = [Attempted(c, Success(f"<late-{c.delivery.id}@acme.example>")) for c in stalled]
        results = await distribution.transact(lambda uow: record_outcomes(uow, late, clock.now()))
    assert results == [None] * len(stalled)
    for address in groups["confirmed"]:
        assert len(smtp_sink.received_by(address)) == 1
    found = await deliveries_of(db, tenant)
    assert {d["status"] for d in found} == {"sent"}
    assert not any(d["remote_id"].startswith("<late-") for d in found)
    assert {d["attempts"] for d in found} == {2}
    events = await outbox_events(db, tenant, DeliverySucceeded.topic)
    delivered = [DeliverySucceeded.model_validate_json(bytes(e["value"])) for e in events]
    assert sorted(e.delivery_id for e in delivered) == sorted(c.delivery.id for c in stalled)


async def test_an_email_whose_worker_died_after_sending_goes_again_with_its_message_id(
    settings, clock, db, unique, smtp_sink
) -> None:
    """SMTP has no idempotency: a sent email whose outcome was never recorded (its worker
    died) is sent again after the lease, with the same Message-ID; one event in all."""
    tenant = f"t-{unique}"
    async with running(settings.model_copy(update={"worker_enabled": False}), clock) as app:
        await add_channels(app, tenant, {"email": EmailConfig(sender=SENDER)})
        await add_subscribers(app, tenant, clock)
        await plan(app, release(tenant, clock))
        lease = timedelta(minutes=1)
        async with worker_for(app) as worker:
            [first, *_] = await claim(app, "dying", lease)
            # Only the first is sent before the worker dies; the rest come back with it.
            context = await load_context(distribution_of(app).reader(), [first.delivery])
            sent = await attempt(distribution_of(app).senders, first.delivery, context, clock.now())
            assert isinstance(sent, Success)
            clock.advance(lease + timedelta(seconds=1))
            assert await attempt_all(worker) > 0
    found = {d["_id"]: d for d in await deliveries_of(db, tenant)}
    assert {d["status"] for d in found.values()} == {"sent"}
    assert found[first.delivery.id]["remote_id"] == sent.remote_id
    number = first.delivery.recipient.split("-")[0].removeprefix("s")
    mails = smtp_sink.received_by(f"reader{number}@example.org")
    # The dead worker's and the retry: the same message.
    assert [m.message["Message-ID"] for m in mails] == [sent.remote_id] * 2
    events = await outbox_events(db, tenant, DeliverySucceeded.topic)
    assert len(events) == len(found)
