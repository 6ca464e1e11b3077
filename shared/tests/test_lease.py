"""The MongoDB lease: one holder at a time, renewal, expiry, takeover, release, races."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from newsroom_shared.lease import Lease
from newsroom_shared.mongo import Database
from newsroom_testing.clock import FakeClock

pytestmark = pytest.mark.connected

TTL_S = 10.0


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 26, 12, 0, tzinfo=UTC))


def lease(database: Database, owner: str, clock: FakeClock, name: str = "job") -> Lease:
    return Lease(database, name, owner, TTL_S, clock=clock)


async def stored(database: Database, name: str = "job") -> dict[str, object] | None:
    return await database[Lease.COLLECTION].find_one({"_id": name})


async def test_a_free_lease_is_taken_and_stored(database: Database, clock: FakeClock) -> None:
    assert await lease(database, "a", clock).acquire()
    document = await stored(database)
    assert document == {
        "_id": "job",
        "owner": "a",
        "expires_at": clock.now() + timedelta(seconds=TTL_S),
    }


async def test_a_held_lease_is_refused_to_others(database: Database, clock: FakeClock) -> None:
    assert await lease(database, "a", clock).acquire()
    clock.advance(TTL_S - 1)
    assert not await lease(database, "b", clock).acquire()
    assert (await stored(database) or {})["owner"] == "a"


async def test_renewal_extends_the_expiry(database: Database, clock: FakeClock) -> None:
    a, b = lease(database, "a", clock), lease(database, "b", clock)
    assert await a.acquire()
    clock.advance(TTL_S * 0.9)
    assert await a.acquire()  # renewed: expires TTL from now
    clock.advance(TTL_S * 0.9)  # past the first expiry, before the renewed one
    assert not await b.acquire()
    assert await a.acquire()


async def test_an_expired_lease_is_taken_over(database: Database, clock: FakeClock) -> None:
    a, b = lease(database, "a", clock), lease(database, "b", clock)
    assert await a.acquire()
    clock.advance(TTL_S)  # expires_at == now counts as expired
    assert await b.acquire()
    assert not await a.acquire()  # the old holder finds out at its next renewal
    assert (await stored(database) or {})["owner"] == "b"


async def test_release_frees_the_lease_at_once(database: Database, clock: FakeClock) -> None:
    a, b = lease(database, "a", clock), lease(database, "b", clock)
    assert await a.acquire()
    await a.release()
    assert await stored(database) is None
    assert await b.acquire()


async def test_release_by_a_non_holder_changes_nothing(
    database: Database, clock: FakeClock
) -> None:
    a, b = lease(database, "a", clock), lease(database, "b", clock)
    assert await a.acquire()
    await b.release()
    assert (await stored(database) or {})["owner"] == "a"
    assert not await b.acquire()


async def test_leases_with_different_names_are_independent(
    database: Database, clock: FakeClock
) -> None:
    assert await lease(database, "a", clock, name="one").acquire()
    assert await lease(database, "b", clock, name="two").acquire()
    assert not await lease(database, "b", clock, name="one").acquire()


async def test_racing_replicas_get_exactly_one_holder(database: Database, clock: FakeClock) -> None:
    contenders = [lease(database, f"owner-{n}", clock) for n in range(8)]
    answers = await asyncio.gather(*(c.acquire() for c in contenders))
    assert answers.count(True) == 1
    winner = contenders[answers.index(True)].owner
    assert (await stored(database) or {})["owner"] == winner


async def test_racing_for_an_expired_lease_gets_exactly_one_holder(
    database: Database, clock: FakeClock
) -> None:
    assert await lease(database, "old", clock).acquire()
    clock.advance(TTL_S + 1)
    contenders = [lease(database, f"owner-{n}", clock) for n in range(8)]
    answers = await asyncio.gather(*(c.acquire() for c in contenders))
    assert answers.count(True) == 1
