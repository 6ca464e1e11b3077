"""The whole fan-out against the real local broker and database, with fake far sides: a
release event in, exactly one post per channel and one email per reachable subscriber out,
DeliverySucceeded / DeliveryFailed through the outbox, and the failure paths."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import replace
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
from distribution.adapters.mongo.deliveries import (
    OUTCOMES_COLLECTION,
    MongoDeliveries,
    delivery_from,
)
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
from distribution.domain.fanouts import READY_HOLD, ReleaseEvent
from distribution.domain.outcomes import Success
from distribution.domain.social import Network, split_thread
from distribution.domain.subscribers import Consent, Subscriber
from distribution.entrypoints.worker import DeliveryWorker
from distribution.main import create_app
from distribution.service.attempts import (
    Attempted,
    Claimed,
    claim_ready,
    fold_outcomes,
    record_outcome,
    record_outcomes,
)
from distribution.service.dispatch import release_for_post
from distribution.service.planning import plan_for_release, withdraw_release
from newsroom_shared.events.distribution import DeliveryFailed, DeliverySucceeded
from newsroom_shared.events.envelope import envelope_for
from newsroom_shared.events.publisher import ReleaseEmbargoed, ReleasePublished, ReleaseWithdrawn
from newsroom_shared.mongo import Database
from newsroom_testing.consumer import eventually, produce_envelopes
from newsroom_testing.fixtures import drop_test_database

pytestmark = pytest.mark.connected
PUBLISHER = "/newsroom/publisher"
SENDER = "news@acme.example"
STATUSES = "/api/v1/statuses"
CREATE_RECORD = "/xrpc/com.atproto.repo.createRecord"


class MutableClock:
    def __init__(self) -> None:
        self.moment = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, by: timedelta) -> None:
        self.moment += by


@pytest.fixture
def clock() -> MutableClock:
    return MutableClock()


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def settings(infra: Any, unique: str, smtp_sink: SmtpSink) -> DistributionSettings:
    return DistributionSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
        mongodb_uri=infra.mongodb_uri,
        mongodb_database=f"test_distribution_{unique}",
        consumer_group=f"distribution-{unique}",
        kafka_session_timeout_ms=6_000,
        kafka_heartbeat_interval_ms=500,
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
async def running(settings: DistributionSettings, clock: MutableClock) -> AsyncIterator[FastAPI]:
    app = create_app(settings, clock=clock)
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
        yield app


def distribution_of(app: FastAPI) -> Distribution:
    distribution: Distribution = app.state.distribution
    return distribution


def release(tenant: str, clock: MutableClock, release_id: str = "r1") -> ReleasePublished:
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
        published_at=clock(),
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


async def add_subscribers(app: FastAPI, tenant: str, clock: MutableClock) -> dict[str, set[str]]:
    """20 subscribers: 12 confirmed, 4 awaiting confirmation, 4 unsubscribed."""
    now = clock()
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
    """The tenant's delivery documents as the service shows them (with the outcomes still in
    the outcome log)."""
    return await MongoDeliveries(db).shown(await stored_deliveries(db, tenant))


async def stored_deliveries(db: Database, tenant: str) -> list[dict[str, Any]]:
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


async def plan(app: FastAPI, event: ReleaseEvent) -> int:
    distribution = distribution_of(app)
    return await distribution.transact(
        lambda uow: plan_for_release(uow, event, distribution.clock())
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
            assert waiting.next_attempt_at >= clock() + timedelta(seconds=RETRY_AFTER_SECONDS)
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
        [dead] = await distribution.transact(
            lambda uow: claim_ready(uow, clock(), 10, owner="dead", lease=timedelta(minutes=1))
        )
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
    settings, clock: MutableClock, db: Database, unique, fake_mastodon: FakeMastodon
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
        # Only the post goes out before the withdrawal: the emails are still pending (their
        # pages taken off the ready queue, and held for an hour).
        emails = await db["deliveries"].distinct(
            "_id", {"tenant_id": tenant, "channel_kind": "email"}
        )
        await db["ready"].delete_many({"tenant_id": tenant, "delivery_ids": {"$in": emails}})
        await db["deliveries"].update_many(
            {"tenant_id": tenant, "channel_kind": "email"},
            {"$set": {"next_attempt_at": clock() + timedelta(hours=1)}},
        )
        async with worker_for(app) as worker:
            assert await worker.run_once() == 1
            await worker.wait_idle()
            withdrawn = ReleaseWithdrawn(
                tenant_id=tenant,
                release_id="r1",
                newsroom_id="n1",
                withdrawn_at=clock(),
                reason="x",
            )
            changed = await distribution.transact(
                lambda uow: withdraw_release(uow, withdrawn, clock())
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
                await distribution.transact(lambda uow: withdraw_release(uow, withdrawn, clock()))
                == 0
            )
            # The worker deletes the post; then nothing is left to do, ever.
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
    settings, clock: MutableClock, db: Database, unique, smtp_sink: SmtpSink
) -> None:
    tenant = f"t-{unique}"
    async with running(settings.model_copy(update={"worker_enabled": False}), clock) as app:
        await add_channels(app, tenant, {"email": EmailConfig(sender=SENDER)})
        groups = await add_subscribers(app, tenant, clock)
        assert await plan(app, release(tenant, clock)) == len(groups["confirmed"])
        subscribers = MongoSubscribers(distribution_of(app).runtime.db)
        leaver_id = f"s0-{tenant}"
        [leaver] = (await subscribers.of_ids(tenant, [leaver_id])).values()
        await subscribers.save(leaver.unsubscribe(clock()))
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
    settings, clock: MutableClock, db: Database, unique, webhook_receiver: FakeWebhookReceiver
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
    settings, clock, db, unique, smtp_sink, monkeypatch
) -> None:
    monkeypatch.setattr("distribution.service.planning.PAGE_SIZE", 5)
    tenant = f"t-{unique}"
    async with running(settings.model_copy(update={"worker_enabled": False}), clock) as app:
        await add_channels(app, tenant, {"email": EmailConfig(sender=SENDER)})
        groups = await add_subscribers(app, tenant, clock)
        # The release event's own transaction plans the first page only.
        assert await plan(app, release(tenant, clock)) == 5
        async with worker_for(app) as worker:
            # The planner plans the rest, a page per transaction, until a page comes out short.
            assert [await worker.plan_once() for _ in range(3)] == [5, 2, None]
            [fan_out] = await db["fan_outs"].find({"tenant_id": tenant}).to_list()
            assert (fan_out["pages"], fan_out["planned"], fan_out["done"]) == (3, 12, True)
            # Queued deliveries are held: the search for due work does not see them.
            assert await worker.run_once() == 12
            await worker.wait_idle()
    found = await deliveries_of(db, tenant)
    assert sorted(d["status"] for d in found) == ["sent"] * 12
    for address in groups["confirmed"]:
        assert len(smtp_sink.received_by(address)) == 1
    assert await db["ready"].count_documents({"tenant_id": tenant}) == 0


async def test_a_withdrawal_stops_a_fan_out_between_pages(
    settings, clock, db, unique, monkeypatch
) -> None:
    monkeypatch.setattr("distribution.service.planning.PAGE_SIZE", 5)
    tenant = f"t-{unique}"
    async with running(settings.model_copy(update={"worker_enabled": False}), clock) as app:
        distribution = distribution_of(app)
        await add_channels(app, tenant, {"email": EmailConfig(sender=SENDER)})
        await add_subscribers(app, tenant, clock)
        assert await plan(app, release(tenant, clock)) == 5
        withdrawn = ReleaseWithdrawn(
            tenant_id=tenant, release_id="r1", newsroom_id="n1", withdrawn_at=clock(), reason="x"
        )
        assert (
            await distribution.transact(lambda uow: withdraw_release(uow, withdrawn, clock())) == 5
        )
        async with worker_for(app) as worker:
            assert await worker.plan_once() is None
            # The queued page's deliveries were cancelled: claiming it sends nothing.
            assert await worker.run_once() == 0
    found = await deliveries_of(db, tenant)
    assert sorted(d["status"] for d in found) == ["cancelled"] * 5


async def test_the_lift_of_an_embargo_mails_everyone_but_the_journalists_who_had_the_preview(
    settings, clock, db, unique, smtp_sink, monkeypatch
) -> None:
    monkeypatch.setattr("distribution.service.planning.PAGE_SIZE", 5)
    tenant = f"t-{unique}"
    lift = clock() + timedelta(hours=1)
    async with running(settings.model_copy(update={"worker_enabled": False}), clock) as app:
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
            clock.moment = lift
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


async def test_a_queued_delivery_whose_page_is_lost_is_sent_after_the_hold(
    settings, clock, db, unique, smtp_sink
) -> None:
    """The ready queue only speeds things up: a delivery whose page never gets taken becomes
    due when its hold runs out, and goes out then (later, never lost)."""
    tenant = f"t-{unique}"
    async with running(settings.model_copy(update={"worker_enabled": False}), clock) as app:
        await add_channels(app, tenant, {"email": EmailConfig(sender=SENDER)})
        groups = await add_subscribers(app, tenant, clock)
        await plan(app, release(tenant, clock))
        await db["ready"].delete_many({"tenant_id": tenant})
        async with worker_for(app) as worker:
            assert await worker.run_once() == 0  # held
            clock.advance(READY_HOLD + timedelta(seconds=1))
            assert await attempt_all(worker) == len(groups["confirmed"])
    for address in groups["confirmed"]:
        assert len(smtp_sink.received_by(address)) == 1


async def test_an_email_page_whose_worker_died_is_taken_again_for_what_has_no_outcome(
    settings, clock, db, unique, smtp_sink
) -> None:
    """A fan-out's emails are held by their ready page's lease, with nothing written on them
    until their outcomes; a page whose worker died is taken again when its lease runs out, and
    only the emails without an outcome go out."""
    tenant = f"t-{unique}"
    async with running(settings.model_copy(update={"worker_enabled": False}), clock) as app:
        distribution = distribution_of(app)
        await add_channels(app, tenant, {"email": EmailConfig(sender=SENDER)})
        groups = await add_subscribers(app, tenant, clock)
        await plan(app, release(tenant, clock))
        lease = timedelta(minutes=1)
        dead = await distribution.transact(
            lambda uow: claim_ready(uow, clock(), 100, owner="dead", lease=lease)
        )
        assert len(dead) == len(groups["confirmed"])
        assert all(c.page is not None for c in dead)
        stored = await deliveries_of(db, tenant)
        assert {(d["status"], d["attempts"]) for d in stored} == {("pending", 0)}
        # It records one email's outcome, and dies before the others'.
        first = dead[0]
        await distribution.transact(
            lambda uow: record_outcome(uow, first, Success("<first@acme.example>"), clock())
        )
        async with worker_for(app) as worker:
            assert await worker.run_once() == 0  # the page's lease still holds
            clock.advance(lease + timedelta(seconds=1))
            assert await worker.run_once() == len(dead) - 1
            await worker.wait_idle()
    found = {d["_id"]: d for d in await deliveries_of(db, tenant)}
    assert {d["status"] for d in found.values()} == {"sent"}
    assert found[first.delivery.id]["remote_id"] == "<first@acme.example>"
    received = [len(smtp_sink.received_by(a)) for a in groups["confirmed"]]
    assert sorted(received) == [0] + [1] * (len(dead) - 1)  # the first was the dead one's
    assert len(await outbox_events(db, tenant, DeliverySucceeded.topic)) == len(dead)
    assert await db["ready"].count_documents({"tenant_id": tenant}) == 0


async def test_a_page_of_subscribers_who_bounced_or_complained_does_not_end_the_fan_out(
    settings, clock, db, unique, smtp_sink, monkeypatch
) -> None:
    """A page is read by the confirmed-subscribers index and those no longer reachable are
    skipped when planning: a page with nobody to mail still moves the fan-out on."""
    monkeypatch.setattr("distribution.service.planning.PAGE_SIZE", 5)
    tenant = f"t-{unique}"
    async with running(settings.model_copy(update={"worker_enabled": False}), clock) as app:
        await add_channels(app, tenant, {"email": EmailConfig(sender=SENDER)})
        groups = await add_subscribers(app, tenant, clock)
        now = clock()
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


async def held_with_the_first_cancelled(
    app: FastAPI, tenant: str, clock: MutableClock, lease: timedelta
) -> list[Claimed]:
    """A fan-out's emails held by their ready page's lease, the first of them cancelled during
    its attempt (an unsubscribe)."""
    distribution = distribution_of(app)
    await add_channels(app, tenant, {"email": EmailConfig(sender=SENDER)})
    await add_subscribers(app, tenant, clock)
    await plan(app, release(tenant, clock))
    held = await distribution.transact(
        lambda uow: claim_ready(uow, clock(), 100, owner="w", lease=lease)
    )
    recipient = held[0].delivery.recipient
    await distribution.transact(
        lambda uow: uow.deliveries.cancel_pending(
            tenant, reason="unsubscribed", now=clock(), recipients=[recipient]
        )
    )
    return held


async def test_late_held_outcomes_written_over_a_cancellation_but_not_over_another_worker_s(
    settings, clock, db, unique
) -> None:
    """The rare paths of recording emails held by their page after its lease ran out (they
    are written on the deliveries, not logged): one was cancelled during its attempt (it went
    out: recorded as sent), one was recorded by a worker that took the page over (its result
    counts: not written again, no second event)."""
    tenant = f"t-{unique}"
    async with running(settings.model_copy(update={"worker_enabled": False}), clock) as app:
        distribution = distribution_of(app)
        held = await held_with_the_first_cancelled(app, tenant, clock, timedelta(minutes=1))
        cancelled, taken_over, *rest = held
        clock.advance(timedelta(minutes=1, seconds=1))  # the lease ran out
        other = replace(taken_over, claim="another-worker")
        await distribution.transact(
            lambda uow: record_outcome(uow, other, Success("<theirs@acme.example>"), clock())
        )
        sent = [Attempted(c, Success(f"<{c.delivery.id}@acme.example>")) for c in held]
        results = await distribution.transact(lambda uow: record_outcomes(uow, sent, clock()))
    assert [r is not None for r in results] == [True, False] + [True] * len(rest)
    assert await db[OUTCOMES_COLLECTION].count_documents({"tenant_id": tenant}) == 0
    found = {d["_id"]: d for d in await stored_deliveries(db, tenant)}
    assert {d["status"] for d in found.values()} == {"sent"}
    assert found[cancelled.delivery.id]["remote_id"] == f"<{cancelled.delivery.id}@acme.example>"
    assert found[taken_over.delivery.id]["remote_id"] == "<theirs@acme.example>"
    events = await outbox_events(db, tenant, DeliverySucceeded.topic)
    delivered = [
        DeliverySucceeded.model_validate_json(bytes(e["value"])).delivery_id for e in events
    ]
    assert sorted(delivered) == sorted(c.delivery.id for c in held)  # one event each


async def test_sent_emails_are_logged_while_their_page_is_leased_and_folded_when_idle(
    settings, clock, db, unique
) -> None:
    """While their page's lease holds, sent emails are recorded in the outcome log (nothing
    written on the deliveries; one event each), shown as sent on every read, one cancelled
    during its attempt too (it went out); an idle worker folds the log into the deliveries."""
    tenant = f"t-{unique}"
    async with running(settings.model_copy(update={"worker_enabled": False}), clock) as app:
        distribution = distribution_of(app)
        held = await held_with_the_first_cancelled(app, tenant, clock, timedelta(minutes=5))
        cancelled, *rest = held
        clock.advance(timedelta(minutes=3))  # well within the lease (a quarter of it left)
        sent = [Attempted(c, Success(f"<{c.delivery.id}@acme.example>")) for c in held]
        results = await distribution.transact(lambda uow: record_outcomes(uow, sent, clock()))
        assert all(r is not None and r.status is DeliveryStatus.SENT for r in results)
        stored = {d["_id"]: d for d in await stored_deliveries(db, tenant)}
        assert stored[cancelled.delivery.id]["status"] == "cancelled"
        assert {stored[c.delivery.id]["status"] for c in rest} == {"pending"}
        assert await db[OUTCOMES_COLLECTION].count_documents({"tenant_id": tenant}) == len(held)
        shown = await distribution.transact(
            lambda uow: uow.deliveries.of_ids(tenant, [c.delivery.id for c in held])
        )
        assert {d.status for d in shown} == {DeliveryStatus.SENT}
        summary = await distribution.transact(
            lambda uow: uow.deliveries.counts_of_release(tenant, "r1")
        )
        assert set(summary.values()) == {len(held)}
        async with worker_for(app) as worker:
            assert await worker.fold_once() == len(held)
            assert await distribution.transact(lambda uow: fold_outcomes(uow, 100)) == 0
    assert await db[OUTCOMES_COLLECTION].count_documents({"tenant_id": tenant}) == 0
    found = {d["_id"]: d for d in await stored_deliveries(db, tenant)}
    assert {d["status"] for d in found.values()} == {"sent"}
    for claimed in held:
        assert found[claimed.delivery.id]["remote_id"] == f"<{claimed.delivery.id}@acme.example>"
        assert found[claimed.delivery.id]["recorded_by"] == claimed.claim
        assert found[claimed.delivery.id]["attempts"] == 1
    events = await outbox_events(db, tenant, DeliverySucceeded.topic)
    assert len(events) == len(held)


async def test_a_worker_folds_the_log_only_once_it_has_been_quiet(
    settings, clock, db, unique, smtp_sink, monkeypatch
) -> None:
    """Folding costs an update per delivery, what logging spared the fan-out: not while the
    worker has attempts in flight or has just taken work from the ready queue."""
    tenant = f"t-{unique}"
    async with running(settings.model_copy(update={"worker_enabled": False}), clock) as app:
        await add_channels(app, tenant, {"email": EmailConfig(sender=SENDER)})
        groups = await add_subscribers(app, tenant, clock)
        await plan(app, release(tenant, clock))
        # However slow this machine, the worker has not been quiet for an hour.
        monkeypatch.setattr("distribution.entrypoints.worker.FOLD_QUIET_S", 3600.0)
        async with worker_for(app) as worker:
            assert await worker.run_once() == len(groups["confirmed"])
            assert await worker.fold_once() == 0  # attempts in flight
            await worker.wait_idle()
            assert await worker.fold_once() == 0  # quiet for less than FOLD_QUIET_S
            logged = await db[OUTCOMES_COLLECTION].count_documents({"tenant_id": tenant})
            assert logged == len(groups["confirmed"])
            monkeypatch.setattr("distribution.entrypoints.worker.FOLD_QUIET_S", 0.0)
            assert await worker.fold_once() == logged
    stored = await stored_deliveries(db, tenant)
    assert {d["status"] for d in stored} == {"sent"}
