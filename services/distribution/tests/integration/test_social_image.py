"""The release's social-card image, from the release event to every network and the email.

A release event with ``image`` planned, the worker run against the real local database, the
five network fakes and an SMTP sink: each network receives the image download and its upload
before the post, and the email shows the image. Without ``image``, nothing is uploaded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from fakes import FakeBluesky, FakeFacebook, FakeLinkedIn, FakeMastodon, FakeServer, FakeX
from fakes import bluesky as bs
from fakes import facebook as fb
from fakes import linkedin as li
from fakes import mastodon as ms
from fakes import x as fx
from fakes.server import IMAGE_PATH
from fakes.smtp_sink import SmtpSink
from fastapi import FastAPI

from distribution.adapters.crypto import new_key
from distribution.adapters.mongo.channels import MongoChannels
from distribution.adapters.mongo.subscribers import MongoSubscribers
from distribution.bootstrap import Distribution
from distribution.config import DistributionSettings
from distribution.domain.channels import (
    BlueskyConfig,
    Channel,
    ChannelConfig,
    EmailConfig,
    FacebookConfig,
    LinkedInConfig,
    MastodonConfig,
    XConfig,
)
from distribution.domain.subscribers import Consent, Subscriber
from distribution.entrypoints.worker import DeliveryWorker
from distribution.main import create_app
from distribution.service.planning import plan_for_release
from newsroom_shared.events.publisher import ReleaseImage, ReleasePublished
from newsroom_shared.mongo import Database
from newsroom_testing.consumer import eventually
from newsroom_testing.fixtures import drop_test_database

pytestmark = pytest.mark.connected
READER = "reader@example.org"
ALT = "The rocket skate on the test track"
NETWORKS = ("mastodon", "bluesky", "x", "linkedin", "facebook")


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def fakes(
    fake_mastodon: FakeMastodon,
    fake_bluesky: FakeBluesky,
    fake_x: FakeX,
    fake_linkedin: FakeLinkedIn,
    fake_facebook: FakeFacebook,
) -> dict[str, FakeServer]:
    return {
        "mastodon": fake_mastodon,
        "bluesky": fake_bluesky,
        "x": fake_x,
        "linkedin": fake_linkedin,
        "facebook": fake_facebook,
    }


@pytest.fixture
def settings(
    infra: Any, unique: str, smtp_sink: SmtpSink, fakes: dict[str, FakeServer]
) -> DistributionSettings:
    return DistributionSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
        mongodb_uri=infra.mongodb_uri,
        mongodb_database=f"test_distribution_{unique}",
        consumer_group=f"distribution-{unique}",
        credentials_keys=new_key(),
        subscriber_token_keys="token-key-for-tests",
        recipient_digest_key="digest-key-for-tests",
        public_base_url="https://news.example",
        x_api_url=fakes["x"].base_url,
        linkedin_api_url=fakes["linkedin"].base_url,
        facebook_api_url=fakes["facebook"].base_url,
        smtp_host=smtp_sink.host,
        smtp_port=smtp_sink.port,
        smtp_timeout_s=5.0,
        smtp_local_hostname="distribution.test",
        http_timeout_s=2.0,
        log_json=False,
        consumers_enabled=False,
        worker_enabled=False,
        outbox_poll_interval_s=0.1,
    )


@pytest.fixture
async def db(mongo_client: Any, settings: DistributionSettings) -> AsyncIterator[Database]:
    yield mongo_client[settings.database_name]
    await drop_test_database(mongo_client, settings.database_name)


def configs(fakes: dict[str, FakeServer]) -> dict[str, ChannelConfig]:
    return {
        "mastodon": MastodonConfig(
            instance_url=fakes["mastodon"].base_url, access_token=ms.TOKEN, allow_insecure_url=True
        ),
        "bluesky": BlueskyConfig(
            service_url=fakes["bluesky"].base_url,
            handle=bs.HANDLE,
            app_password=bs.APP_PASSWORD,
            allow_insecure_url=True,
        ),
        "x": XConfig(account="acme", access_token=fx.TOKEN, allow_insecure_url=True),
        "linkedin": LinkedInConfig(
            organization_urn=li.ORGANISATION, access_token=li.TOKEN, allow_insecure_url=True
        ),
        "facebook": FacebookConfig(
            page_id=fb.PAGE_ID, page_access_token=fb.TOKEN, allow_insecure_url=True
        ),
        "email": EmailConfig(sender="news@acme.example", sender_name="Acme News"),
    }


def upload_requests(kind: str, fake: FakeServer) -> int:
    """How many image uploads the fake received (each network has its own upload call)."""
    upload_paths = {
        "mastodon": "/api/v2/media",
        "bluesky": bs.XRPC + "com.atproto.repo.uploadBlob",
        "x": "/2/media/upload",
        "facebook": f"/{fb.VERSION}/{fb.PAGE_ID}/photos",
    }
    if kind == "linkedin":
        return sum(1 for r in fake.requests if r.method == "PUT" and "/dms-uploads/" in r.path)
    return len(fake.requests_to("POST", upload_paths[kind]))


def release(tenant: str, image: ReleaseImage | None) -> ReleasePublished:
    return ReleasePublished(
        tenant_id=tenant,
        release_id="r1",
        newsroom_id="n1",
        newsroom_slug="acme",
        slug="launch",
        title="Acme launches the rocket skate",
        lead="Faster than ever.",
        language="en",
        url="https://news.example/acme/r1",
        version=1,
        published_at=now(),
        image=image,
    )


def fake_image(fake: FakeServer) -> ReleaseImage:
    # The contract accepts https URLs only; the fakes serve plain http on 127.0.0.1, so the test
    # skips validation here (the channels allow insecure URLs for the same reason).
    return ReleaseImage.model_construct(url=fake.image_url, alt_text=ALT, width=1, height=1)


@asynccontextmanager
async def started(settings: DistributionSettings) -> AsyncIterator[Distribution]:
    app: FastAPI = create_app(settings)
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
        yield app.state.distribution


async def prepared(distribution: Distribution, tenant: str, fakes: dict[str, FakeServer]) -> None:
    channels = MongoChannels(distribution.runtime.db, distribution.cipher)
    for kind, config in configs(fakes).items():
        await channels.save(
            Channel(id=f"{kind}-{tenant}", tenant_id=tenant, name=kind, config=config)
        )
    moment = now()
    reader = Subscriber.create(
        subscriber_id=f"s-{tenant}", tenant_id=tenant, newsroom_id="n1", email=READER,
        consent=Consent(given_at=moment, method="double_opt_in"), now=moment,
    ).confirm(moment)  # fmt: skip
    await MongoSubscribers(distribution.runtime.db).add_many([reader])


async def delivered(distribution: Distribution, db: Database, tenant: str) -> None:
    """Runs the worker until all six deliveries (five posts, one email) are sent."""
    worker = DeliveryWorker(
        distribution, interval_s=1.0, batch_size=20, lease_s=60.0,
        concurrency={kind: 1 for kind in (*NETWORKS, "email")},
    )  # fmt: skip

    async def all_sent() -> bool:
        await worker.run_once()
        await worker.wait_idle()
        found = await db["deliveries"].find({"tenant_id": tenant}).to_list()
        return len(found) == len(NETWORKS) + 1 and all(d["status"] == "sent" for d in found)

    try:
        await eventually(all_sent, timeout_s=30)
    finally:
        await worker.stop()


def email_html(smtp_sink: SmtpSink) -> str:
    [mail] = smtp_sink.received_by(READER)
    html = mail.message.get_body(preferencelist=("html",))
    assert html is not None
    content: str = html.get_content()
    return content


async def test_every_network_uploads_the_image_and_the_email_shows_it(
    settings, db, unique, fakes, smtp_sink
) -> None:
    tenant = f"t-{unique}"
    image_source = fakes["mastodon"]
    async with started(settings) as distribution:
        await prepared(distribution, tenant, fakes)
        event = release(tenant, fake_image(image_source))
        planned = await distribution.transact(
            lambda uow: plan_for_release(uow, event, distribution.clock.now())
        )
        assert planned == len(NETWORKS) + 1
        await delivered(distribution, db, tenant)

    # Every network downloaded the image (all from one fake) and uploaded it once.
    assert len(image_source.requests_to("GET", IMAGE_PATH)) == len(NETWORKS)
    assert {kind: upload_requests(kind, fake) for kind, fake in fakes.items()} == dict.fromkeys(
        NETWORKS, 1
    )
    assert f'src="{image_source.image_url}"' in email_html(smtp_sink)


async def test_without_an_image_nothing_is_uploaded_and_the_email_has_none(
    settings, db, unique, fakes, smtp_sink
) -> None:
    tenant = f"t-{unique}"
    async with started(settings) as distribution:
        await prepared(distribution, tenant, fakes)
        event = release(tenant, None)
        await distribution.transact(
            lambda uow: plan_for_release(uow, event, distribution.clock.now())
        )
        await delivered(distribution, db, tenant)

    for kind, fake in fakes.items():
        assert fake.requests_to("GET", IMAGE_PATH) == []
        assert upload_requests(kind, fake) == 0
    assert "<img" not in email_html(smtp_sink)
