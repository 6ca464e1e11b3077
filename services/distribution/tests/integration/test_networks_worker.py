"""X, LinkedIn and Facebook through the delivery worker, against the real local database and
the fakes: a post whose answer was lost (or whose worker died) is found, not posted again; a
thread cut short resumes; a withdrawal deletes every post of a thread."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from fakes import Failure, FakeFacebook, FakeLinkedIn, FakeServer, FakeX
from fakes import facebook as fb
from fakes import linkedin as li
from fakes import x as fx
from fakes.releases import SENTENCES
from fastapi import FastAPI

from distribution.adapters.crypto import new_key
from distribution.adapters.mongo.channels import MongoChannels
from distribution.adapters.mongo.deliveries import delivery_from
from distribution.bootstrap import Distribution
from distribution.config import DistributionSettings
from distribution.domain.channels import (
    Channel,
    ChannelConfig,
    FacebookConfig,
    LinkedInConfig,
    XConfig,
)
from distribution.domain.delivery import Delivery, DeliveryStatus
from distribution.domain.outcomes import Success
from distribution.domain.social import Network, split_thread
from distribution.entrypoints.worker import DeliveryWorker
from distribution.main import create_app
from distribution.service import attempts, dispatch
from distribution.service.planning import plan_for_release, withdraw_release
from newsroom_shared.events.publisher import ReleasePublished, ReleaseWithdrawn
from newsroom_shared.mongo import Database
from newsroom_testing.clock import FakeClock
from newsroom_testing.fixtures import drop_test_database

pytestmark = pytest.mark.connected
LEASE = timedelta(minutes=1)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.now(UTC))


@pytest.fixture
def settings(
    infra: Any, unique: str, fake_x: FakeX, fake_linkedin: FakeLinkedIn, fake_facebook: FakeFacebook
) -> DistributionSettings:
    return DistributionSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
        mongodb_uri=infra.mongodb_uri,
        mongodb_database=f"test_distribution_{unique}",
        consumer_group=f"distribution-{unique}",
        credentials_keys=new_key(),
        subscriber_token_keys="token-key-for-tests",
        recipient_digest_key="digest-key-for-tests",
        x_api_url=fake_x.base_url,
        linkedin_api_url=fake_linkedin.base_url,
        facebook_api_url=fake_facebook.base_url,
        http_timeout_s=1.0,
        log_json=False,
        consumers_enabled=False,
        worker_enabled=False,
        outbox_poll_interval_s=0.1,
    )


@pytest.fixture
async def db(mongo_client: Any, settings: DistributionSettings) -> AsyncIterator[Database]:
    yield mongo_client[settings.database_name]
    await drop_test_database(mongo_client, settings.database_name)


@asynccontextmanager
async def started(
    settings: DistributionSettings, clock: FakeClock
) -> AsyncIterator[tuple[Distribution, DeliveryWorker]]:
    app: FastAPI = create_app(settings, clock=clock)
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
        distribution: Distribution = app.state.distribution
        worker = DeliveryWorker(
            distribution,
            interval_s=1.0,
            batch_size=10,
            lease_s=LEASE.total_seconds(),
            concurrency={"x": 1, "linkedin": 1, "facebook": 1},
        )
        try:
            yield distribution, worker
        finally:
            await worker.stop()


def release(tenant: str, clock: FakeClock, lead: str = "Faster than ever.") -> ReleasePublished:
    return ReleasePublished(
        tenant_id=tenant,
        release_id="r1",
        newsroom_id="n1",
        newsroom_slug="acme",
        slug="launch",
        title="Acme launches the rocket skate",
        lead=lead,
        language="en",
        url="https://news.example/acme/r1",
        version=1,
        published_at=clock.now(),
    )


CONFIGS: dict[str, ChannelConfig] = {
    "x": XConfig(account="acme", access_token=fx.TOKEN, allow_insecure_url=True),
    "linkedin": LinkedInConfig(
        organization_urn=li.ORGANISATION, access_token=li.TOKEN, allow_insecure_url=True
    ),
    "facebook": FacebookConfig(
        page_id=fb.PAGE_ID, page_access_token=fb.TOKEN, allow_insecure_url=True
    ),
}


async def planned(
    distribution: Distribution, tenant: str, kind: str, event: ReleasePublished
) -> Channel:
    channel = Channel(id=f"{kind}-{tenant}", tenant_id=tenant, name=kind, config=CONFIGS[kind])
    await MongoChannels(distribution.runtime.db, distribution.cipher).save(channel)
    assert await distribution.transact(
        lambda uow: plan_for_release(uow, event, distribution.clock.now())
    )
    return channel


async def the_delivery(db: Database, tenant: str) -> Delivery:
    [document] = await db["deliveries"].find({"tenant_id": tenant}).to_list()
    return delivery_from(document)


@pytest.fixture(params=["x", "linkedin", "facebook"])
def network(request: pytest.FixtureRequest) -> tuple[str, FakeServer]:
    return request.param, request.getfixturevalue(f"fake_{request.param}")


async def test_a_dead_workers_post_is_found_not_posted_again(
    settings, clock, db, unique, network
) -> None:
    kind, fake = network
    tenant = f"t-{unique}"
    async with started(settings, clock) as (distribution, worker):
        event = release(tenant, clock)
        channel = await planned(distribution, tenant, kind, event)
        # A worker claims the delivery, posts, and dies before recording the outcome.
        [dead] = await attempts.claim_due(
            distribution.reader(), clock.now(), 10, owner="dead", lease=LEASE
        )
        assert not dead.delivery.outcome_unknown
        posted = await dispatch.attempt_social(
            distribution.senders, dead.delivery, channel, event.model_dump(mode="json")
        )
        assert isinstance(posted, Success)

        clock.advance(LEASE * 2)
        assert await worker.run_once() == 1
        await worker.wait_idle()

        delivery = await the_delivery(db, tenant)
        assert delivery.status is DeliveryStatus.SENT
        assert delivery.outcome_unknown  # the claim took over an expired `sending`
        assert delivery.attempts == 2
        assert delivery.remote_id == posted.remote_id
        assert delivery.remote_ids == (posted.remote_id,)
        assert fake.created == 1


async def test_a_lost_answer_is_retried_into_exactly_one_post(
    settings, clock, db, unique, network
) -> None:
    kind, fake = network
    tenant = f"t-{unique}"
    async with started(settings, clock) as (distribution, worker):
        await planned(distribution, tenant, kind, release(tenant, clock))
        fake.fail_next(Failure.LOSE_ANSWER)
        assert await worker.run_once() == 1
        await worker.wait_idle()
        waiting = await the_delivery(db, tenant)
        assert waiting.status is DeliveryStatus.PENDING
        assert waiting.outcome_unknown
        assert fake.created == 1

        clock.set(waiting.next_attempt_at)
        assert await worker.run_once() == 1
        await worker.wait_idle()

        delivery = await the_delivery(db, tenant)
        assert delivery.status is DeliveryStatus.SENT
        assert fake.created == 1
        assert delivery.remote_id is not None
        assert delivery.remote_id in fake.posts


async def test_a_thread_cut_short_resumes_and_a_withdrawal_deletes_all_of_it(
    settings, clock, db, unique, fake_x
) -> None:
    tenant = f"t-{unique}"
    event = release(tenant, clock, lead=" ".join(SENTENCES[:9]))
    posts = split_thread(dispatch.release_for_post(event.model_dump(mode="json")), Network.X)
    assert len(posts) == 3
    async with started(settings, clock) as (distribution, worker):
        await planned(distribution, tenant, "x", event)
        fake_x.fail_next(Failure.SERVER_ERROR, after=1)  # the second post fails
        assert await worker.run_once() == 1
        await worker.wait_idle()
        waiting = await the_delivery(db, tenant)
        assert waiting.status is DeliveryStatus.PENDING
        assert waiting.outcome_unknown
        assert fake_x.created == 1

        clock.set(waiting.next_attempt_at)
        assert await worker.run_once() == 1
        await worker.wait_idle()
        delivery = await the_delivery(db, tenant)
        assert delivery.status is DeliveryStatus.SENT
        assert fake_x.created == len(posts)
        assert len(delivery.remote_ids) == len(posts)
        assert set(delivery.remote_ids) == set(fake_x.posts)

        withdrawn = ReleaseWithdrawn(
            tenant_id=tenant, release_id="r1", newsroom_id="n1", withdrawn_at=clock.now()
        )
        await distribution.transact(lambda uow: withdraw_release(uow, withdrawn, clock.now()))
        distribution.doorbell.ring()  # as the withdrawal's consumer does after its commit
        await worker.run_once()  # the worker claims the retraction and deletes the thread
        await worker.wait_idle()

        assert fake_x.posts == {}
        deletes = [r.path for r in fake_x.requests if r.method == "DELETE"]
        # Replies first, the thread's first post last.
        assert deletes == [f"/2/tweets/{i}" for i in reversed(delivery.remote_ids)]
        assert (await the_delivery(db, tenant)).retracted_at is not None
