"""The hand-off from the release consumer to the worker of the same process
(:mod:`distribution.service.handoff`): what the consumer planned is claimed by id once its
transaction committed, attempted with the channels and facts the planner read; emails are not
handed over; a delivery another worker claimed first is skipped, never sent twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from distribution.domain.delivery import Delivery, DeliveryStatus
from distribution.service import planning
from distribution.service.delivering import Deliverer
from distribution.service.handoff import Handoff, Planned

TENANT = "tenant-a"
LEASE = timedelta(minutes=5)


def deliverer(units, far, clock, owner: str = "worker-1") -> Deliverer:
    return Deliverer(units, far.senders, clock, digest_key=b"k", owner=owner, lease=LEASE)


async def plan(units, seed, handoff: Handoff, tenant: str = TENANT) -> int:
    event = seed.published(tenant)
    return await units.transact(
        lambda uow: planning.plan_for_release(uow, event, seed.clock.now(), handoff=handoff)
    )


@pytest.fixture
def newsroom(seed):
    seed.newsroom(TENANT)
    seed.mastodon_channel()
    return seed


async def test_planned_posts_are_handed_over_once_committed(units, far, clock, newsroom) -> None:
    newsroom.email_channel()
    newsroom.subscriber("s1", email="jane@example.org")
    handoff = Handoff()
    assert await plan(units, newsroom, handoff) == 2
    assert handoff.take() == []  # not before the consumer's commit
    handoff.committed()
    [planned] = handoff.take()
    assert [d.channel_kind for d in planned.deliveries] == ["mastodon"]  # emails go the usual way
    assert planned.release["title"] == "Launch day"
    assert handoff.take() == []  # handed over once

    worker = deliverer(units, far, clock)
    batch = await worker.claim_handed([planned])
    [claimed] = batch.claimed
    assert claimed.delivery.status is DeliveryStatus.SENDING
    assert batch.context.release(claimed.delivery) == planned.release
    assert batch.context.channel(claimed.delivery) is not None
    await worker.record(await worker.attempt(claimed, batch.context))
    [(_, posts, _)] = far.mastodon.posted
    assert "Launch day" in posts[0].text
    mastodon = [d for d in units.store.deliveries.values() if d.channel_kind == "mastodon"]
    assert [d.status for d in mastodon] == [DeliveryStatus.SENT]


async def test_a_delivery_claimed_by_another_worker_first_is_skipped(
    units, far, clock, newsroom
) -> None:
    handoff = Handoff()
    await plan(units, newsroom, handoff)
    handoff.committed()
    [planned] = handoff.take()
    other = await deliverer(units, far, clock, owner="other").claim(10)
    assert len(other.claimed) == 1
    assert (await deliverer(units, far, clock).claim_handed([planned])).claimed == []


async def test_planning_again_in_a_retried_transaction_hands_over_once(units, newsroom) -> None:
    handoff = Handoff()
    event = newsroom.published()

    async def aborted(uow) -> None:
        await planning.plan_for_release(uow, event, newsroom.clock.now(), handoff=handoff)
        raise TransientError("the commit failed; the consumer runs the batch again")

    with pytest.raises(TransientError):
        await units.transact(aborted)
    await plan(units, newsroom, handoff)
    handoff.committed()
    assert [len(p.deliveries) for p in handoff.take()] == [1]


class TransientError(Exception):
    pass


def test_the_hand_off_is_bounded_the_rest_is_left_to_the_due_search(seed) -> None:
    seed.newsroom(TENANT)
    handoff = Handoff(limit=1)
    first, second = (
        Planned((delivery,), {}, {"release_id": "r1"})
        for delivery in (_delivery("s1"), _delivery("s2"))
    )
    handoff.add(first)
    handoff.add(second)
    handoff.committed()
    assert handoff.take() == [first]


def _delivery(recipient: str) -> Delivery:
    return Delivery.plan(
        tenant_id=TENANT,
        release_id="r1",
        newsroom_id="n1",
        channel_id="c1",
        channel_kind="mastodon",
        recipient=recipient,
        now=datetime(2026, 12, 3, tzinfo=UTC),
    )
