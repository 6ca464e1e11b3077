"""The hand-off from the release consumer to the worker of the same process
(:mod:`distribution.service.handoff`): with a worker here, the posts the consumer plans are
stored claimed for it and handed over once the transaction committed, attempted with the
channels and facts the planner read; emails are not handed over; a rolled back plan hands
nothing over; without a worker, or with a full hand-off, deliveries are planned unclaimed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from distribution.domain.delivery import Delivery, DeliveryStatus
from distribution.service import planning
from distribution.service.delivering import Deliverer
from distribution.service.handoff import Handoff, Planned

TENANT = "tenant-a"
OWNER = "worker-1"
LEASE = timedelta(minutes=5)


def deliverer(units, far, clock, owner: str = OWNER) -> Deliverer:
    return Deliverer(units, far.senders, clock, digest_key=b"k", owner=owner, lease=LEASE)


def open_handoff(limit: int = 1_000) -> Handoff:
    handoff = Handoff(limit=limit)
    handoff.open(OWNER, LEASE)
    return handoff


async def plan(units, seed, handoff: Handoff, tenant: str = TENANT) -> int:
    event = seed.published(tenant)
    return await units.transact(
        lambda uow: planning.plan_for_release(uow, event, seed.clock.now(), handoff=handoff)
    )


def stored(units, kind: str = "mastodon") -> list[Delivery]:
    return [d for d in units.store.deliveries.values() if d.channel_kind == kind]


@pytest.fixture
def newsroom(seed):
    seed.newsroom(TENANT)
    seed.mastodon_channel()
    return seed


async def test_planned_posts_are_claimed_and_handed_over_once_committed(
    units, far, clock, newsroom
) -> None:
    newsroom.email_channel()
    newsroom.subscriber("s1", email="jane@example.org")
    handoff = open_handoff()
    assert await plan(units, newsroom, handoff) == 2
    [planned] = handoff.take()
    assert handoff.take() == []  # handed over once
    assert [d.channel_kind for d in planned.deliveries] == ["mastodon"]  # emails go the usual way
    assert planned.release["title"] == "Launch day"
    [post] = stored(units)
    assert post.status is DeliveryStatus.SENDING  # stored claimed for this worker
    assert post.next_attempt_at == clock.now() + LEASE
    assert units.store.claims[post.id] == planned.claim
    [email] = stored(units, "email")
    assert email.status is DeliveryStatus.PENDING

    worker = deliverer(units, far, clock)
    batch = worker.handed_over([planned])
    [claimed] = batch.claimed
    assert claimed.delivery == post
    assert batch.context.release(claimed.delivery) == planned.release
    assert batch.context.channel(claimed.delivery) is not None
    assert worker.lease_holds(claimed)
    await worker.record(await worker.attempt(claimed, batch.context))
    [(_, posts, _)] = far.mastodon.posted
    assert "Launch day" in posts[0].text
    assert [d.status for d in stored(units)] == [DeliveryStatus.SENT]


async def test_a_rolled_back_plan_hands_nothing_over_and_its_rerun_hands_over_once(
    units, newsroom
) -> None:
    handoff = open_handoff()
    event = newsroom.published()

    async def aborted(uow) -> None:
        await planning.plan_for_release(uow, event, newsroom.clock.now(), handoff=handoff)
        raise TransientError("the commit failed; the consumer runs the batch again")

    with pytest.raises(TransientError):
        await units.transact(aborted)
    assert handoff.take() == []
    await plan(units, newsroom, handoff)
    [planned] = handoff.take()
    assert units.store.claims[planned.deliveries[0].id] == planned.claim


class TransientError(Exception):
    pass


async def test_the_lease_brings_back_what_a_dead_process_was_handed(
    units, far, clock, newsroom
) -> None:
    await plan(units, newsroom, open_handoff())  # handed over, never attempted: the process died
    other = deliverer(units, far, clock, owner="other")
    assert (await other.claim(10)).claimed == []  # the claim holds
    clock.advance(LEASE)
    [claimed] = (await other.claim(10)).claimed
    assert claimed.delivery.outcome_unknown  # the dead process may have posted: look first


async def test_without_a_worker_here_posts_are_planned_for_the_due_search(
    units, far, clock, newsroom
) -> None:
    handoff = Handoff()  # never opened (worker disabled), or closed when it stopped
    await plan(units, newsroom, handoff)
    assert handoff.take() == []
    assert [d.status for d in stored(units)] == [DeliveryStatus.PENDING]
    assert len((await deliverer(units, far, clock).claim(10)).claimed) == 1


async def test_a_full_hand_off_leaves_the_rest_to_the_due_search(units, newsroom) -> None:
    handoff = open_handoff(limit=1)
    handoff.add(Planned((_delivery("s1"),), {}, {"release_id": "r1"}, "earlier"))
    await plan(units, newsroom, handoff)
    assert [p.claim for p in handoff.take()] == ["earlier"]
    assert [d.status for d in stored(units)] == [DeliveryStatus.PENDING]


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
