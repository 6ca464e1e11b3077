"""Deliveries over HTTP: what went where (email recipients masked), counts per channel and
status, and the manual retry of a failed delivery (same idempotency key, sent once)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fakes import Failure, FakeMastodon
from fakes.auth import api_settings, distribution_of, headers, staff_api
from fakes.mastodon import TOKEN
from fakes.newsrooms import known_newsroom

from distribution.domain.delivery import DeliveryStatus
from distribution.domain.subscribers import Consent, Subscriber
from distribution.entrypoints.worker import DeliveryWorker
from distribution.service.planning import plan_for_release
from newsroom_shared.events.publisher import ReleasePublished
from newsroom_shared.http.auth import Scope
from newsroom_testing.fixtures import drop_test_database

pytestmark = pytest.mark.connected
A = "tenant-a"


@pytest.fixture
async def api(infra: Any, unique: str, mongo_client: Any) -> AsyncIterator[httpx.AsyncClient]:
    settings = api_settings(infra, unique, allow_insecure_urls=True, http_timeout_s=2.0)
    try:
        async with staff_api(settings) as client:
            await known_newsroom(client, A, "n1")
            yield client
    finally:
        await drop_test_database(mongo_client, settings.database_name)


async def channel(api: httpx.AsyncClient, body: dict[str, Any]) -> str:
    answer = await api.post("/v1/channels", json={"newsroom_id": "n1", **body}, headers=headers(A))
    assert answer.status_code == 201, answer.text
    channel_id: str = answer.json()["id"]
    return channel_id


async def mastodon(api: httpx.AsyncClient, fake: FakeMastodon) -> str:
    return await channel(
        api,
        {
            "kind": "mastodon",
            "name": "Mastodon",
            "settings": {"instance_url": fake.base_url},
            "credentials": {"access_token": TOKEN},
        },
    )


async def published(api: httpx.AsyncClient, release_id: str = "r1") -> None:
    now = datetime.now(UTC)
    event = ReleasePublished(
        tenant_id=A,
        release_id=release_id,
        newsroom_id="n1",
        newsroom_slug="acme",
        slug="launch",
        title="Acme launches the rocket skate",
        lead="Faster than ever.",
        language="en",
        categories=[],
        url=f"https://news.example/acme/{release_id}",
        version=1,
        published_at=now,
    )
    distribution = distribution_of(api)
    await distribution.transact(lambda uow: plan_for_release(uow, event, now))


async def run_worker(api: httpx.AsyncClient) -> None:
    worker = DeliveryWorker(
        distribution_of(api), interval_s=1.0, batch_size=50, lease_s=60.0, concurrency={}
    )
    try:
        await worker.run_once()
        await worker.wait_idle()
    finally:
        await worker.stop()


async def test_the_listing_shows_where_each_delivery_went_with_addresses_masked(
    api: httpx.AsyncClient,
) -> None:
    email = await channel(
        api, {"kind": "email", "name": "News", "settings": {"sender": "news@acme.example"}}
    )
    hook = await channel(
        api, {"kind": "webhook", "name": "Hook", "settings": {"url": "https://hooks.example/x"}}
    )
    now = datetime.now(UTC)
    subscriber = Subscriber.create(
        subscriber_id="s1",
        tenant_id=A,
        newsroom_id="n1",
        email="jane.doe@example.com",
        consent=Consent(given_at=now, method="double_opt_in"),
        now=now,
    ).confirm(now)
    await distribution_of(api).transact(lambda uow: uow.subscribers.save(subscriber))
    await published(api)

    listing = await api.get("/v1/releases/r1/deliveries", headers=headers(A, Scope.viewer))
    only_email = await api.get(
        f"/v1/releases/r1/deliveries?channel_id={email}&status=pending", headers=headers(A)
    )
    summary = await api.get("/v1/releases/r1/deliveries/summary", headers=headers(A))
    unknown = await api.get("/v1/releases/nope/deliveries", headers=headers(A))
    bad_status = await api.get("/v1/releases/r1/deliveries?status=lost", headers=headers(A))

    assert listing.status_code == 200
    by_channel = {d["channel_id"]: d for d in listing.json()["items"]}
    assert by_channel[email]["recipient"] == "j***@example.com"
    assert by_channel[hook]["recipient"] == "https://hooks.example"
    assert by_channel[email]["status"] == "pending"
    # Waiting for its first attempt: no retry time to show.
    assert by_channel[email]["next_attempt_at"] is None
    assert "jane.doe" not in listing.text
    assert [d["channel_id"] for d in only_email.json()["items"]] == [email]
    assert summary.json()["total"] == 2
    assert {c["channel_id"]: c["by_status"] for c in summary.json()["channels"]} == {
        email: {"pending": 1},
        hook: {"pending": 1},
    }
    assert unknown.status_code == 404
    assert bad_status.status_code == 422


async def test_a_failed_delivery_is_retried_once_with_the_same_key(
    api: httpx.AsyncClient, fake_mastodon: FakeMastodon
) -> None:
    fake_mastodon.fail_next(Failure.UNAUTHORIZED)
    await mastodon(api, fake_mastodon)
    await published(api)
    await run_worker(api)
    [failed] = (await api.get("/v1/releases/r1/deliveries", headers=headers(A))).json()["items"]
    assert failed["status"] == "failed"
    assert "401" in failed["last_error"]
    before = await distribution_of(api).reader().deliveries.get(A, failed["id"])
    assert before is not None

    viewer = await api.post(
        f"/v1/deliveries/{failed['id']}/retry", headers=headers(A, Scope.viewer)
    )
    retried = await api.post(
        f"/v1/deliveries/{failed['id']}/retry", headers=headers(A, Scope.editor)
    )
    twice = await api.post(f"/v1/deliveries/{failed['id']}/retry", headers=headers(A))
    unknown = await api.post("/v1/deliveries/nope/retry", headers=headers(A))

    assert viewer.status_code == 403
    assert (retried.status_code, retried.json()["status"], retried.json()["attempts"]) == (
        200,
        "pending",
        0,
    )
    assert (twice.status_code, twice.json()["code"]) == (409, "not_failed")
    assert unknown.status_code == 404
    after = await distribution_of(api).reader().deliveries.get(A, failed["id"])
    assert after is not None
    assert after.idempotency_key == before.idempotency_key
    await run_worker(api)
    await run_worker(api)
    sent = await distribution_of(api).reader().deliveries.get(A, failed["id"])
    assert sent is not None
    assert sent.status is DeliveryStatus.SENT
    assert len(fake_mastodon.statuses) == 1
    sent_again = await api.post(f"/v1/deliveries/{failed['id']}/retry", headers=headers(A))
    assert sent_again.status_code == 409


async def test_the_channel_failure_log_lists_every_failed_attempt_newest_first(
    api: httpx.AsyncClient, fake_mastodon: FakeMastodon
) -> None:
    channel_id = await mastodon(api, fake_mastodon)
    await published(api)
    fake_mastodon.fail_next(Failure.UNAUTHORIZED)
    await run_worker(api)  # 401: the delivery fails for good
    [failed] = (await api.get("/v1/releases/r1/deliveries", headers=headers(A))).json()["items"]
    await api.post(f"/v1/deliveries/{failed['id']}/retry", headers=headers(A))
    fake_mastodon.fail_next(Failure.SERVER_ERROR)
    await run_worker(api)  # 500: to be tried again later

    log = await api.get(f"/v1/channels/{channel_id}/failures", headers=headers(A, Scope.viewer))
    first_page = await api.get(f"/v1/channels/{channel_id}/failures?limit=1", headers=headers(A))
    second_page = await api.get(
        f"/v1/channels/{channel_id}/failures?limit=1&cursor={first_page.json()['next_cursor']}",
        headers=headers(A),
    )
    unknown = await api.get("/v1/channels/nope/failures", headers=headers(A))

    assert log.status_code == 200
    transient, permanent = log.json()["items"]
    assert (transient["delivery_id"], transient["release_id"]) == (failed["id"], "r1")
    assert "500" in transient["error"]
    assert transient["final"] is False
    assert transient["retry_at"] is not None
    assert "401" in permanent["error"]
    assert permanent["final"] is True
    assert permanent["retry_at"] is None
    assert [e["id"] for e in first_page.json()["items"] + second_page.json()["items"]] == [
        transient["id"],
        permanent["id"],
    ]
    assert unknown.status_code == 404
    assert len(fake_mastodon.statuses) == 0
