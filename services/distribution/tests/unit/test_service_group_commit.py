"""Group commit of outcomes (:class:`OutcomeRecorder` through :class:`Deliverer`): outcomes
that arrive while more are expected share one transaction; a group commits when it is full,
when nothing more is expected, or when its wait is up; and how large a claim may be."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from distribution.domain.delivery import DeliveryStatus
from distribution.domain.outcomes import Success
from distribution.service import planning
from distribution.service.attempts import Claimed
from distribution.service.delivering import Deliverer, group_wait_s, largest_claim
from distribution.service.group_commit import OutcomeRecorder
from newsroom_shared.events.distribution import DeliverySucceeded

TENANT = "tenant-a"
LEASE = timedelta(minutes=5)
READERS = 6


@pytest.fixture
async def claimed(units, far, clock, seed) -> list[Claimed]:
    """``READERS`` email deliveries of one release, claimed."""
    seed.newsroom(TENANT)
    seed.email_channel()
    for n in range(READERS):
        seed.subscriber(f"s{n}", email=f"reader{n}@example.org")
    event = seed.published()
    await units.transact(lambda uow: planning.plan_for_release(uow, event, clock.now()))
    deliverer = Deliverer(units, far.senders, clock, digest_key=b"k", owner="w", lease=LEASE)
    batch = await deliverer.claim(READERS)
    assert len(batch.claimed) == READERS
    units.commits = 0
    return batch.claimed


async def record_all(recorder: OutcomeRecorder, claimed: list[Claimed]) -> None:
    await asyncio.gather(*(recorder.record(c, Success(), None) for c in claimed))


def sent(units) -> int:
    return sum(d.status is DeliveryStatus.SENT for d in units.store.deliveries.values())


async def test_with_nothing_more_expected_each_outcome_commits_at_once(
    units, clock, claimed
) -> None:
    recorder = OutcomeRecorder(units, clock)
    for item in claimed:
        await recorder.record(item, Success(), None)
    assert units.commits == READERS
    assert sent(units) == READERS


async def test_outcomes_expected_together_share_one_transaction(units, clock, claimed) -> None:
    # Each attempt leaves the expected count as its outcome arrives, as the worker's does.
    expected = [len(claimed)]

    async def answered(item: Claimed) -> None:
        expected[0] -= 1
        await recorder.record(item, Success(), None)

    recorder = OutcomeRecorder(units, clock, max_wait_s=3600, expected=lambda: expected[0])
    await asyncio.gather(*(answered(item) for item in claimed))
    assert units.commits == 1
    assert sent(units) == READERS
    assert sum(isinstance(e, DeliverySucceeded) for e in units.events) == READERS


async def test_a_full_group_commits_without_waiting_for_the_rest(units, clock, claimed) -> None:
    recorder = OutcomeRecorder(
        units, clock, max_per_transaction=2, max_wait_s=3600, expected=lambda: 1
    )
    await record_all(recorder, claimed[:2])
    assert (units.commits, sent(units)) == (1, 2)


async def test_an_attempt_ending_without_an_outcome_lets_the_group_commit(
    units, clock, claimed
) -> None:
    expected = [2]
    recorder = OutcomeRecorder(units, clock, max_wait_s=3600, expected=lambda: expected[0])
    waiting = asyncio.create_task(recorder.record(claimed[0], Success(), None))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert not waiting.done()  # the other attempt may still answer
    expected[0] = 0  # it ended without an outcome (cancelled, say)
    recorder.recheck()
    await waiting
    assert (units.commits, sent(units)) == (1, 1)


async def test_a_group_that_waited_its_time_commits_though_more_are_expected(
    units, clock, claimed
) -> None:
    recorder = OutcomeRecorder(units, clock, max_wait_s=0, expected=lambda: 5)
    await record_all(recorder, claimed[:3])
    assert sent(units) == 3


def test_a_claim_is_the_batch_unless_paced_sending_would_outlast_the_lease() -> None:
    lease = timedelta(minutes=5)
    assert largest_claim(1000, lease, None) == 1000
    # Paced at 2 emails a second, half of a 300 s lease sends 300.
    assert largest_claim(1000, lease, 2.0) == 300
    assert largest_claim(100, lease, 2.0) == 100
    assert largest_claim(1000, lease, 0.001) == 1


def test_an_outcome_waits_for_its_group_a_second_and_never_past_an_eighth_of_the_lease() -> None:
    assert group_wait_s(timedelta(minutes=5)) == 1.0
    assert group_wait_s(timedelta(seconds=3)) == 0.375
