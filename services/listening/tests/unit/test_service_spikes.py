"""The spike watch on fakes: stored mentions count towards their queries, a burst emits one
MentionSpike with the mentions that drove it, the episode holds back a second one, and a
deleted query's activity goes with it."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta

import pytest
from listening_fakes.mentions import a_mention

from listening.domain.errors import InvalidSpikeRuleError
from listening.domain.mentions import Mention
from listening.domain.queries import ListeningQuery
from listening.domain.spikes import HOUR, SpikeRule
from listening.service import queries
from listening.service.ports import Deps
from listening.service.spike_sweep import close_calmed_episodes
from listening.service.spikes import watch_for_spikes
from newsroom_shared.events.listening import MentionSpike

from .conftest import FakeUnitOfWork

WATCHED = datetime(2030, 1, 1, tzinfo=UTC)
BURST = WATCHED + 20 * HOUR


def mention(number: int, at: datetime, *, tenant: str = "t1", negative: bool = False) -> Mention:
    score = -0.5 if negative else 0.0
    return a_mention(number, at, score=score, id=f"m{number:04}", tenant_id=tenant, query_ids=())


def query(tenant: str = "t1") -> ListeningQuery:
    return ListeningQuery.create(tenant_id=tenant, name="Acme", text="acme", now=WATCHED)


async def feed(uow: FakeUnitOfWork, watched: ListeningQuery, mentions: list[Mention]) -> None:
    for each in mentions:
        await watch_for_spikes(uow, each, [watched])
        await uow.flush()


def history(start: int = 0) -> list[Mention]:
    """Two mentions an hour, every hour from the query's start to the burst."""
    return [mention(start + i, WATCHED + i * HOUR / 2) for i in range(40)]


def burst(start: int, at: datetime, count: int = 30, *, negative: bool = False) -> list[Mention]:
    step = timedelta(minutes=1)
    return [mention(start + i, at + i * step, negative=negative) for i in range(count)]


def spikes(uow: FakeUnitOfWork) -> list[MentionSpike]:
    return [event for event in uow.events if isinstance(event, MentionSpike)]


async def test_a_burst_emits_one_spike_with_the_mentions_that_drove_it(
    uow: FakeUnitOfWork,
) -> None:
    watched = query()
    await feed(uow, watched, history())
    assert spikes(uow) == []
    await feed(uow, watched, burst(100, BURST))
    [spike] = spikes(uow)
    assert (spike.tenant_id, spike.query_id, spike.query_name) == ("t1", watched.id, "Acme")
    assert (spike.window, spike.trigger) == ("hour", "volume")
    assert spike.window_end - spike.window_start == HOUR
    assert spike.count >= 5
    assert spike.ratio >= 3
    assert spike.negative_share == 0.0
    # the window's newest first: the burst's mentions, up to the one that tripped it
    assert spike.sample_mention_ids == sorted(spike.sample_mention_ids, reverse=True)
    assert spike.sample_mention_ids[0].startswith("m01")
    assert len(spike.sample_mention_ids) == 10
    assert uow.store.activity[("t1", watched.id)].episode is not None


async def test_an_angry_burst_spikes_on_negative_share_first(uow: FakeUnitOfWork) -> None:
    """Negatives are rarer than mentions, so fewer of them are already unlikely as chance."""
    watched = query()
    await feed(uow, watched, history())
    await feed(uow, watched, burst(100, BURST, negative=True))
    [spike] = spikes(uow)
    assert spike.trigger == "negative_share"
    assert spike.baseline_negative_share == 0.0
    assert spike.negative_share > 0.5


async def test_more_of_the_burst_is_the_same_episode(uow: FakeUnitOfWork) -> None:
    watched = query()
    await feed(uow, watched, history())
    await feed(uow, watched, burst(100, BURST))
    await feed(uow, watched, burst(200, BURST + timedelta(minutes=40)))
    assert len(spikes(uow)) == 1


async def test_activity_is_kept_per_tenant(uow: FakeUnitOfWork) -> None:
    mine, theirs = query("t1"), query("t2")
    await feed(uow, mine, history())
    await feed(uow, theirs, [mention(900, WATCHED, tenant="t2")])
    assert sum(b.count for b in uow.store.activity[("t1", mine.id)].buckets.values()) == 40
    assert sum(b.count for b in uow.store.activity[("t2", theirs.id)].buckets.values()) == 1


async def test_deleting_a_query_forgets_its_activity(uow: FakeUnitOfWork, deps: Deps) -> None:
    made = await queries.create_query(uow, deps, "t1", name="Acme", text="acme")
    await feed(uow, made, [mention(1, WATCHED)])
    await queries.delete_query(uow, "t1", made.id)
    assert uow.store.activity == {}


async def test_the_sweep_closes_an_episode_once_its_windows_calmed(uow: FakeUnitOfWork) -> None:
    watched = query()
    other = query("t2")
    await uow.queries.add(watched)
    await uow.queries.add(other)
    await feed(uow, watched, history())
    await feed(uow, watched, burst(100, BURST))
    await feed(uow, other, [mention(200 + i, BURST, tenant="t2") for i in range(3)])
    assert uow.store.activity[("t1", watched.id)].episode is not None

    def sweep(at: datetime) -> Awaitable[int]:
        return close_calmed_episodes(lambda: uow, lambda: uow, at)

    assert await sweep(BURST + timedelta(minutes=40)) == 0  # still loud
    assert await sweep(BURST + 3 * HOUR) == 1
    assert uow.store.activity[("t1", watched.id)].episode is None
    assert uow.store.activity[("t2", other.id)].episode is None  # never had one
    assert len(spikes(uow)) == 1  # closing emits nothing
    assert await sweep(BURST + 4 * HOUR) == 0


async def test_a_query_with_a_higher_bar_of_its_own_does_not_spike_on_that_burst(
    uow: FakeUnitOfWork,
) -> None:
    strict = ListeningQuery.create(
        tenant_id="t1", name="Acme", text="acme", now=WATCHED, spike_rule=SpikeRule(min_ratio=50)
    )
    await feed(uow, strict, history())
    await feed(uow, strict, burst(100, BURST))
    assert spikes(uow) == []


def test_thresholds_that_make_no_sense_are_refused() -> None:
    with pytest.raises(InvalidSpikeRuleError, match="end_ratio"):
        ListeningQuery.create(
            tenant_id="t1", name="A", text="acme", now=WATCHED, spike_rule=SpikeRule(end_ratio=2.5)
        )
    query = ListeningQuery.create(tenant_id="t1", name="A", text="acme", now=WATCHED)
    with pytest.raises(InvalidSpikeRuleError, match="hour_min_count"):
        query.changed(name=None, text=None, now=WATCHED, spike_thresholds={"hour_min_count": 0})
