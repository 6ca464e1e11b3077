"""Staff views of subscribers: listing, the suppression list (bounces flag subscriptions and
cancel pending deliveries), export of everything about an address, and erasure."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fakes.auth import api_settings, distribution_of, headers, staff_api

from distribution.domain.delivery import Delivery, DeliveryStatus
from distribution.domain.subscribers import Consent, Subscriber, keyed_digest
from distribution.domain.suppressions import Suppression, SuppressionReason
from distribution.entrypoints.worker import DeliveryWorker
from newsroom_shared.http.auth import Scope
from newsroom_testing.fixtures import drop_test_database

pytestmark = pytest.mark.connected
A = "tenant-a"
EMAIL = "jane@example.org"


@pytest.fixture
async def api(infra: Any, unique: str, mongo_client: Any) -> AsyncIterator[httpx.AsyncClient]:
    settings = api_settings(infra, unique)
    try:
        async with staff_api(settings) as client:
            yield client
    finally:
        await drop_test_database(mongo_client, settings.database_name)


async def jane_in_two_newsrooms(api: httpx.AsyncClient) -> list[Delivery]:
    now = datetime.now(UTC)
    people = [
        Subscriber.create(
            subscriber_id=f"s-{room}",
            tenant_id=A,
            newsroom_id=room,
            email=EMAIL,
            consent=Consent(given_at=now, method="double_opt_in", ip_hash="ab"),
            now=now,
        ).confirm(now)
        for room in ("n1", "n2")
    ]
    other = Subscriber.create(
        subscriber_id="s-other",
        tenant_id=A,
        newsroom_id="n1",
        email="other@example.org",
        consent=Consent(given_at=now, method="double_opt_in"),
        now=now,
    )
    deliveries = [
        Delivery.plan(
            tenant_id=A,
            release_id="r1",
            newsroom_id=s.newsroom_id,
            channel_id="c1",
            channel_kind="email",
            recipient=s.id,
            now=now,
        )
        for s in (*people, other)
    ]

    async def store(uow: Any) -> None:
        for subscriber in (*people, other):
            await uow.subscribers.save(subscriber)
        await uow.deliveries.add_new(deliveries)

    await distribution_of(api).transact(store)
    return deliveries


async def statuses(api: httpx.AsyncClient) -> dict[str, DeliveryStatus]:
    found = await distribution_of(api).reader().deliveries.of_release(A, "r1")
    return {d.recipient: d.status for d in found}


async def test_listing_filters_by_newsroom_and_status(api: httpx.AsyncClient) -> None:
    await jane_in_two_newsrooms(api)

    everyone = await api.get("/v1/subscribers", headers=headers(A, Scope.editor))
    of_n1 = await api.get("/v1/subscribers?newsroom_id=n1", headers=headers(A))
    pending = await api.get("/v1/subscribers?status=pending_confirmation", headers=headers(A))
    viewer = await api.get("/v1/subscribers", headers=headers(A, Scope.viewer))

    assert len(everyone.json()["items"]) == 3
    assert {s["id"] for s in of_n1.json()["items"]} == {"s-n1", "s-other"}
    assert [s["email"] for s in pending.json()["items"]] == ["other@example.org"]
    assert viewer.status_code == 403


async def test_a_bounce_suppresses_flags_and_cancels_pending_mail(api: httpx.AsyncClient) -> None:
    await jane_in_two_newsrooms(api)

    added = await api.post(
        "/v1/suppressions",
        json={"email": "JANE@example.org", "reason": "bounce"},
        headers=headers(A),
    )
    listed = await api.get("/v1/suppressions", headers=headers(A))
    bad = await api.post(
        "/v1/suppressions", json={"email": "nope", "reason": "bounce"}, headers=headers(A)
    )
    bad_reason = await api.post(
        "/v1/suppressions", json={"email": EMAIL, "reason": "annoyed"}, headers=headers(A)
    )

    assert (added.status_code, added.json()["email"], added.json()["reason"]) == (
        201,
        EMAIL,
        "bounce",
    )
    assert [s["email"] for s in listed.json()["items"]] == [EMAIL]
    assert bad.status_code == bad_reason.status_code == 422
    assert "email" in bad.json()["detail"]
    subscribers = await api.get("/v1/subscribers?newsroom_id=n2", headers=headers(A))
    assert subscribers.json()["items"][0]["bounced"] is True
    assert await statuses(api) == {
        "s-n1": DeliveryStatus.CANCELLED,
        "s-n2": DeliveryStatus.CANCELLED,
        "s-other": DeliveryStatus.PENDING,
    }
    removed = await api.delete(f"/v1/suppressions/{EMAIL}", headers=headers(A))
    gone = await api.delete(f"/v1/suppressions/{EMAIL}", headers=headers(A))
    assert (removed.status_code, gone.status_code) == (204, 404)


async def test_export_then_erase(api: httpx.AsyncClient) -> None:
    await jane_in_two_newsrooms(api)

    export = await api.get(f"/v1/subscribers/export?email={EMAIL}", headers=headers(A))
    editor = await api.get(
        f"/v1/subscribers/export?email={EMAIL}", headers=headers(A, Scope.editor)
    )
    assert editor.status_code == 403
    data = export.json()
    assert {s["newsroom_id"] for s in data["subscriptions"]} == {"n1", "n2"}
    assert all(s["consent"]["confirmed_at"] for s in data["subscriptions"])
    assert all(s["consent"]["given_at"] for s in data["subscriptions"])
    assert len(data["deliveries"]) == 2

    erased = await api.delete(f"/v1/subscribers?email={EMAIL}", headers=headers(A))
    again = await api.delete(f"/v1/subscribers?email={EMAIL}", headers=headers(A))
    after = await api.get(f"/v1/subscribers/export?email={EMAIL}", headers=headers(A))

    assert (erased.status_code, again.status_code, after.status_code) == (204, 204, 404)
    assert await statuses(api) == {
        "s-n1": DeliveryStatus.CANCELLED,
        "s-n2": DeliveryStatus.CANCELLED,
        "s-other": DeliveryStatus.PENDING,
    }
    db = distribution_of(api).runtime.db
    assert await db["subscribers"].count_documents({"email": EMAIL}) == 0
    kept = await db["deliveries"].find({"recipient": {"$in": ["s-n1", "s-n2"]}}).to_list()
    digest = keyed_digest(EMAIL, b"digest-key-for-tests")
    assert {d["recipient_digest"] for d in kept} == {digest}
    listing = await api.get("/v1/releases/r1/deliveries", headers=headers(A))
    shown = {d["recipient"] for d in listing.json()["items"]}
    assert shown == {"(erased)", "o***@example.org"}


async def test_an_address_suppressed_after_planning_is_not_mailed(api: httpx.AsyncClient) -> None:
    """The worker checks the suppression list right before sending, not only when planning: a
    suppression that lands while deliveries are already planned (here written straight to the
    list, without the API's cancelling) still stops the mail."""
    await jane_in_two_newsrooms(api)
    distribution = distribution_of(api)
    now = datetime.now(UTC)
    await distribution.transact(
        lambda uow: uow.suppressions.add(
            Suppression(tenant_id=A, email=EMAIL, reason=SuppressionReason.MANUAL, created_at=now)
        )
    )
    worker = DeliveryWorker(
        distribution, interval_s=1.0, batch_size=50, lease_s=60.0, concurrency={}
    )
    try:
        await worker.run_once()
        await worker.wait_idle()
    finally:
        await worker.stop()

    found = {d.recipient: d for d in await distribution.reader().deliveries.of_release(A, "r1")}
    for jane in ("s-n1", "s-n2"):
        assert found[jane].status is DeliveryStatus.CANCELLED
        assert found[jane].last_error == "the address is suppressed"
        assert found[jane].sent_at is None
    assert found["s-other"].status is DeliveryStatus.CANCELLED  # never confirmed
