"""The Mongo repositories against the local MongoDB-protocol server: idempotent planning, atomic
claims with leases, and every query confined to its tenant."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from distribution.adapters.crypto import CredentialCipher, new_key
from distribution.adapters.mongo.channels import MongoChannels
from distribution.adapters.mongo.deliveries import MongoDeliveries
from distribution.adapters.mongo.indexes import ensure_indexes
from distribution.adapters.mongo.subscribers import MongoSubscribers
from distribution.domain.channels import Channel, EmailConfig, MastodonConfig
from distribution.domain.delivery import Delivery, DeliveryStatus
from distribution.domain.subscribers import Consent, Subscriber

pytestmark = pytest.mark.connected
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=1)


def planned(tenant: str, recipient: str) -> Delivery:
    return Delivery.plan(
        tenant_id=tenant,
        release_id="r1",
        newsroom_id="n1",
        channel_id="c1",
        channel_kind="email",
        recipient=recipient,
        now=NOW,
    )


async def test_planning_the_same_deliveries_again_stores_nothing_new(database) -> None:
    await ensure_indexes(database)
    deliveries = MongoDeliveries(database)
    batch = [planned("t1", f"s{i}") for i in range(5)]
    assert await deliveries.plan(batch) == 5
    assert await deliveries.plan([*batch, planned("t1", "s5")]) == 1
    stored = await deliveries.of_release("t1", "r1")
    assert len(stored) == 6
    assert await deliveries.of_release("t2", "r1") == []


async def test_concurrent_claims_never_take_the_same_delivery(database) -> None:
    await ensure_indexes(database)
    deliveries = MongoDeliveries(database)
    await deliveries.plan([planned("t1", f"s{i}") for i in range(20)])

    async def claim(name: str) -> list[Delivery]:
        return await deliveries.claim_due(NOW, 20, owner=name, claim=name, lease_until=NOW + LEASE)

    first, second = await asyncio.gather(claim("a"), claim("b"))
    ids_a, ids_b = {d.id for d in first}, {d.id for d in second}
    assert not ids_a & ids_b
    assert len(ids_a | ids_b) == 20
    assert all(d.status is DeliveryStatus.SENDING and d.attempts == 1 for d in first + second)
    assert await deliveries.claim_due(NOW, 20, owner="c", claim="c", lease_until=NOW + LEASE) == []


async def test_a_claim_whose_lease_ran_out_is_taken_again_with_the_same_key(database) -> None:
    await ensure_indexes(database)
    deliveries = MongoDeliveries(database)
    await deliveries.plan([planned("t1", "s1")])
    [dead] = await deliveries.claim_due(
        NOW, 10, owner="dead", claim="dead", lease_until=NOW + LEASE
    )
    still_leased = NOW + LEASE / 2
    assert (
        await deliveries.claim_due(still_leased, 10, owner="w", claim="w1", lease_until=NOW)
    ) == []
    later = NOW + LEASE * 2
    [again] = await deliveries.claim_due(
        later, 10, owner="w", claim="w2", lease_until=later + LEASE
    )
    assert again.id == dead.id
    assert again.idempotency_key == dead.idempotency_key
    assert again.attempts == 2
    # The dead worker's late result no longer counts; the new claim's does.
    assert not await deliveries.finish(dead.retry_at(later, "late"), "dead")
    assert await deliveries.finish(again.succeed(later, None, None), "w2")
    stored = await deliveries.get("t1", dead.id)
    assert stored is not None
    assert stored.status is DeliveryStatus.SENT


async def test_channels_are_served_per_tenant_and_newsroom_with_credentials_encrypted(
    database,
) -> None:
    await ensure_indexes(database)
    channels = MongoChannels(database, CredentialCipher([new_key()]))
    mastodon = MastodonConfig(instance_url="https://m.example", access_token="tok-123")
    email = EmailConfig(sender="news@acme.example")
    await channels.save(
        Channel(id="c1", tenant_id="t1", name="M", newsroom_id="n1", config=mastodon)
    )
    await channels.save(Channel(id="c2", tenant_id="t1", name="E", config=email))
    await channels.save(
        Channel(id="c3", tenant_id="t1", name="Off", newsroom_id="n1", enabled=False, config=email)
    )
    await channels.save(Channel(id="c4", tenant_id="t1", name="N2", newsroom_id="n2", config=email))
    served = await channels.serving("t1", "n1")
    assert sorted(c.id for c in served) == ["c1", "c2"]
    assert await channels.serving("t2", "n1") == []
    raw = await database["channels"].find_one({"_id": "c1"})
    assert raw is not None
    assert "tok-123" not in str(raw)


async def test_only_reachable_subscribers_of_the_newsroom_are_listed(database) -> None:
    await ensure_indexes(database)
    subscribers = MongoSubscribers(database)
    consent = Consent(given_at=NOW, method="double_opt_in")

    def subscriber(number: int, tenant: str = "t1") -> Subscriber:
        return Subscriber.create(
            subscriber_id=f"s{number}",
            tenant_id=tenant,
            newsroom_id="n1",
            email=f"reader{number}@example.org",
            consent=consent,
            now=NOW,
        )

    await subscribers.add_many(
        [
            subscriber(1).confirm(NOW),
            subscriber(2),
            subscriber(3).confirm(NOW).unsubscribe(NOW),
            subscriber(4).confirm(NOW).mark_bounced(),
            subscriber(5, tenant="t2").confirm(NOW),
        ]
    )
    assert [s.id for s in await subscribers.reachable("t1", "n1")] == ["s1"]
    assert [s.id for s in await subscribers.reachable("t2", "n1")] == ["s5"]
