"""Spike watch on the real database: the activity document (one command to count a mention
and read it back, the episode and pruning, tenant scope), and a burst through the pipeline
emitting one MentionSpike through the outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from listening_fakes.auth import api_settings, headers, listening_of, staff_api
from listening_fakes.mentions import a_mention
from pymongo import AsyncMongoClient, monitoring

from listening.adapters.mongo.query_activity import MongoQueryActivity
from listening.domain.mentions import Mention
from listening.domain.queries import ListeningQuery
from listening.domain.spikes import HOUR, Bucket, Episode, RecentMention
from listening.service.pipeline import match_post
from listening.service.spikes import watch_for_spikes
from listening.service.transactions import atomically
from newsroom_shared.events.listening import MentionSpike, PostFetched
from newsroom_shared.mongo import Database
from newsroom_testing.clock import FakeClock
from newsroom_testing.fixtures import drop_test_database

pytestmark = pytest.mark.connected
T0 = datetime(2030, 1, 1, 0, tzinfo=UTC)


class CommandLog(monitoring.CommandListener):
    def __init__(self) -> None:
        self.names: list[str] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.names.append(event.command_name)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None: ...

    def failed(self, event: monitoring.CommandFailedEvent) -> None: ...


def seen(number: int, at: datetime, *, negative: bool = False) -> RecentMention:
    return RecentMention(f"m{number}", at, negative)


async def test_counting_a_mention_is_one_command_that_answers_the_activity(
    database: Database, infra: Any
) -> None:
    log = CommandLog()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        infra.mongodb_uri, event_listeners=[log], tz_aware=True
    )
    try:
        activity = MongoQueryActivity(client[database.name])
        await activity.record("t1", "q1", seen(1, T0))
        log.names.clear()
        found = await activity.record("t1", "q1", seen(2, T0 + timedelta(minutes=5), negative=True))
        assert log.names == ["findAndModify"]
    finally:
        await client.close()
    assert found.buckets == {T0: Bucket(2, 1)}
    assert [m.mention_id for m in found.recent] == ["m1", "m2"]
    assert found.recent[1] == seen(2, T0 + timedelta(minutes=5), negative=True)
    assert found.episode is None


class ActivityOnly:
    """Just what the spike watch touches: the activity repository, and the events."""

    def __init__(self, activity: MongoQueryActivity) -> None:
        self.query_activity = activity
        self.events: list[Any] = []

    def emit(self, event: Any) -> None:
        self.events.append(event)


async def test_the_spike_watch_costs_one_command_per_mention_and_a_few_more(
    database: Database, infra: Any
) -> None:
    """Measured: 40 mentions over 20 hours, then a burst of 25: one findAndModify each, plus
    an update when an hour leaves every window (none here: 15 days are kept) or the episode
    opens (once)."""
    log = CommandLog()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        infra.mongodb_uri, event_listeners=[log], tz_aware=True
    )
    query = ListeningQuery.create(tenant_id="t1", name="Acme", text="acme", now=T0)
    uow = ActivityOnly(MongoQueryActivity(client[database.name]))
    arrivals = [T0 + i * HOUR / 2 for i in range(40)]
    arrivals += [T0 + 20 * HOUR + i * timedelta(minutes=1) for i in range(25)]
    try:
        for number, at in enumerate(arrivals):
            await watch_for_spikes(uow, mention_at(number, at), [query])  # type: ignore[arg-type]
    finally:
        await client.close()
    assert len([e for e in uow.events if isinstance(e, MentionSpike)]) == 1
    assert log.names.count("findAndModify") == len(arrivals)
    assert log.names.count("update") == 1
    # and nothing else but the client's own housekeeping (its sessions ended on close)
    assert set(log.names) - {"findAndModify", "update"} <= {"endSessions"}


def mention_at(number: int, at: datetime) -> Mention:
    return a_mention(number, at, id=f"m{number}", query_ids=())


async def test_settling_stores_the_episode_and_drops_stale_hours(database: Database) -> None:
    activity = MongoQueryActivity(database)
    await activity.record("t1", "q1", seen(1, T0))
    await activity.record("t1", "q1", seen(2, T0 + HOUR))
    episode = Episode(T0 + HOUR, "hour")
    await activity.settle("t1", "q1", episode=episode, stale_hours=[T0])
    found = await activity.record("t1", "q1", seen(3, T0 + HOUR))
    assert found.buckets == {T0 + HOUR: Bucket(2, 0)}
    assert found.episode == episode
    await activity.settle("t1", "q1", episode=None, stale_hours=[])
    assert (await activity.record("t1", "q1", seen(4, T0 + HOUR))).episode is None


async def test_another_tenant_cannot_change_or_forget_a_querys_activity(
    database: Database,
) -> None:
    activity = MongoQueryActivity(database)
    await activity.record("t1", "q1", seen(1, T0))
    await activity.settle("t2", "q1", episode=Episode(T0, "day"), stale_hours=[T0])
    await activity.forget("t2", "q1")
    stored = await database["query_activity"].find_one({"_id": "q1"})
    assert stored is not None
    assert stored["tenant_id"] == "t1"
    assert "episode" not in stored
    assert set(stored["buckets"]) == {"2030010100"}
    await activity.forget("t1", "q1")
    assert await database["query_activity"].find_one({"_id": "q1"}) is None


async def test_uncounting_takes_a_mention_out_of_its_hour_once_and_only_the_tenants(
    database: Database,
) -> None:
    activity = MongoQueryActivity(database)
    await activity.record("t1", "q1", seen(1, T0, negative=True))
    await activity.record("t1", "q1", seen(2, T0))
    await activity.uncount("t2", "q1", seen(1, T0, negative=True))  # not its query
    await activity.uncount("t1", "q1", seen(1, T0, negative=True))
    await activity.uncount("t1", "q1", seen(9, T0 + HOUR, negative=True))  # an empty hour

    found = await activity.record("t1", "q1", seen(3, T0))
    assert found.buckets[T0] == Bucket(2, 0)
    assert [m.mention_id for m in found.recent] == ["m2", "m3"]
    assert T0 + HOUR not in found.buckets or found.buckets[T0 + HOUR] == Bucket(0, 0)


@pytest.fixture
async def app_at_t0(
    infra: Any, unique: str, mongo_client: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, FakeClock]]:
    # The sweep runs when the test says (sweep_spikes), not on its loop.
    settings = api_settings(infra, unique, spike_sweep_enabled=False)
    clock = FakeClock(T0)
    try:
        async with staff_api(settings, clock) as client:
            yield client, clock
    finally:
        await drop_test_database(mongo_client, settings.database_name)


def post(tenant: str, number: int, at: datetime) -> PostFetched:
    # distinct words in every post: no post is a near copy of another
    words = " ".join(f"w{number}x{i}" for i in range(6))
    return PostFetched(
        tenant_id=tenant,
        post_key=f"k{number}",
        source_kind="webhook",
        source_url="urn:test",
        text=f"Roadrunner {words}",
        language="en",
        fetched_at=at,
    )


async def a_burst(api: httpx.AsyncClient, clock: FakeClock, tenant: str) -> str:
    """Two mentions an hour for 14 hours, then 25 in 25 minutes: one open episode. Answers the
    query's id."""
    made = await api.post(
        "/v1/queries", json={"name": "Roadrunner", "text": "roadrunner"}, headers=headers(tenant)
    )
    assert made.status_code == 201, made.text
    listening = listening_of(api)
    await listening.index.refresh()

    async def store(number: int, at: datetime) -> None:
        clock.set(at)
        uow = listening.uow()

        async def matched() -> object:
            return await match_post(
                uow, listening.deps, listening.index.matcher, post(tenant, number, at)
            )

        # Retried after a transient abort, as the post consumer's inbox transaction is.
        assert await atomically(uow, matched)

    for number in range(28):  # two an hour for 14 hours
        await store(number, T0 + number * HOUR / 2)
    burst_at = T0 + 14 * HOUR
    for number in range(100, 125):  # then 25 in 25 minutes
        await store(number, burst_at + (number - 100) * timedelta(minutes=1))
    query_id: str = made.json()["id"]
    return query_id


BURST_AT = T0 + 14 * HOUR


async def test_a_burst_through_the_pipeline_emits_one_spike(
    app_at_t0: tuple[httpx.AsyncClient, FakeClock], unique: str
) -> None:
    api, clock = app_at_t0
    tenant = f"t-{unique}"
    query_id = await a_burst(api, clock, tenant)
    listening = listening_of(api)

    outbox = listening.runtime.db["outbox"]
    spikes = [
        MentionSpike.model_validate_json(event["value"])
        async for document in outbox.find({})
        for event in document["events"]
        if event["topic"] == MentionSpike.topic
    ]
    [spike] = spikes
    assert (spike.tenant_id, spike.query_id, spike.query_name) == (tenant, query_id, "Roadrunner")
    assert (spike.window, spike.trigger) == ("hour", "volume")
    mentions = listening.runtime.db["mentions"]
    window = {"$gte": spike.window_start, "$lte": spike.window_end}
    in_window = {m["_id"] async for m in mentions.find({"detected_at": window})}
    assert set(spike.sample_mention_ids) <= in_window
    assert len(spike.sample_mention_ids) == 10


async def test_the_sweep_closes_a_calmed_episode_without_a_new_mention_in_one_replica(
    app_at_t0: tuple[httpx.AsyncClient, FakeClock], unique: str, infra: Any
) -> None:
    api, clock = app_at_t0
    tenant = f"t-{unique}"
    query_id = await a_burst(api, clock, tenant)
    listening = listening_of(api)
    activity = listening.runtime.db["query_activity"]

    async def episode() -> Any:
        found = await activity.find_one({"_id": query_id, "tenant_id": tenant})
        assert found is not None
        return found.get("episode")

    assert await episode() is not None
    clock.set(BURST_AT + timedelta(minutes=40))  # still loud: stays open
    assert await listening.sweep_spikes() == 0
    assert await episode() is not None

    clock.set(BURST_AT + 3 * HOUR)  # the hour window is quiet again
    # The first replica's last pass renewed its lease (the fake clock jumped past the old one).
    assert await listening.spike_sweep_lease.acquire()
    # Another replica on the same database: the lease is the first's, so it sweeps nothing.
    other_settings = api_settings(infra, unique, spike_sweep_enabled=False)
    async with staff_api(other_settings, clock) as other:
        assert await listening_of(other).sweep_spikes() == 0
    assert await episode() is not None

    assert await listening.sweep_spikes() == 1
    assert await episode() is None
    assert await listening.sweep_spikes() == 0  # nothing open any more
    spikes = [
        event
        async for document in listening.runtime.db["outbox"].find({})
        for event in document["events"]
        if event["topic"] == MentionSpike.topic
    ]
    assert len(spikes) == 1  # closing emits nothing
