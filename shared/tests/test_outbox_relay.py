"""The outbox relay against the real broker and database: format, crash safety, lease, order."""

from __future__ import annotations

import asyncio
import dataclasses
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError
from aiokafka.structs import ConsumerRecord, TopicPartition
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event
from pymongo import AsyncMongoClient
from pymongo.errors import AutoReconnect

from newsroom_shared.events.envelope import Envelope, envelope_for, parse
from newsroom_shared.events.publisher import ReleasePublished
from newsroom_shared.lease import Lease
from newsroom_shared.mongo import Database, Document, transaction
from newsroom_shared.outbox import Outbox, OutboxRelay, PublishError
from newsroom_shared.outbox.relay import LEASE_NAME
from newsroom_testing.consumer import eventually as wait_for
from newsroom_testing.infra import Infra

pytestmark = pytest.mark.connected

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
DEADLINE_S = 20.0


def release_envelope(topic: str, release_id: str, version: int = 1) -> Envelope:
    event = ReleasePublished(
        tenant_id="t1",
        release_id=release_id,
        newsroom_id="n1",
        newsroom_slug="acme",
        slug=f"release-{release_id}",
        title=f"Release {release_id} v{version}",
        language="en",
        url=f"https://news.example/acme/{release_id}",
        version=version,
        published_at=NOW,
    )
    return dataclasses.replace(envelope_for(event, source="/newsroom/test"), topic=topic)


async def commit(client: AsyncMongoClient[Document], outbox: Outbox, *envelopes: Envelope) -> None:
    async with transaction(client) as session:
        await outbox.add(session, *envelopes)


async def eventually(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    await wait_for(condition, what, timeout_s=DEADLINE_S, interval_s=0.02)


def all_sent(outbox: Outbox) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return await outbox.count_unsent() == 0

    return check


async def read_topic(bootstrap_servers: str, topic: str) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record on the topic now, read without a consumer group."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap_servers, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        await eventually(lambda: asyncio.sleep(0, bool(consumer.assignment())), "assignment")
        partitions: list[TopicPartition] = sorted(consumer.assignment())
        end = await consumer.end_offsets(partitions)
        records: list[ConsumerRecord[bytes, bytes]] = []

        async def read_to_end() -> bool:
            for partition in partitions:
                if await consumer.position(partition) < end[partition]:
                    batches = await consumer.getmany(timeout_ms=200)
                    records.extend(r for batch in batches.values() for r in batch)
                    return False
            return True

        await eventually(read_to_end, f"reading {topic}")
        return records
    finally:
        await consumer.stop()


def ids(records: list[ConsumerRecord[bytes, bytes]]) -> list[str]:
    return [dict(record.headers)["ce_id"].decode() for record in records]


class CountingProducer:
    """The real producer, counting what this relay sends."""

    def __init__(self, bootstrap_servers: str, *, fail_first: int = 0, hang: bool = False) -> None:
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap_servers, acks="all", linger_ms=5
        )
        self.sent = 0
        self._fail_first = fail_first
        self._hang = hang

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    async def send(self, topic: str, value: bytes | None = None, **kwargs: Any) -> Any:
        if self._fail_first > 0:
            # As if the broker were unreachable: the record never leaves.
            self._fail_first -= 1
            failed: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            failed.set_exception(KafkaConnectionError("broker unreachable (test)"))
            return failed
        self.sent += 1
        if self._hang:
            # As if the broker accepted the connection but never answered.
            return asyncio.get_running_loop().create_future()
        return await self._producer.send(topic, value, **kwargs)


@pytest.fixture
async def outbox(database: Database) -> Outbox:
    outbox = Outbox(database)
    await outbox.ensure_indexes()
    return outbox


@pytest.fixture
def topic(unique: str) -> str:
    return f"test.outbox.{unique}"


def relay_for(database: Database, infra: Infra, owner: str, **options: Any) -> OutboxRelay:
    options.setdefault("poll_interval_s", 0.1)
    options.setdefault("lease_ttl_s", 3.0)
    return OutboxRelay(database, infra.kafka_bootstrap_servers, owner=owner, **options)


async def test_a_committed_event_is_published_as_a_cloudevent_and_an_aborted_one_is_not(
    database: Database,
    mongo_client: AsyncMongoClient[Document],
    outbox: Outbox,
    infra: Infra,
    topic: str,
) -> None:
    committed, aborted = release_envelope(topic, "r1"), release_envelope(topic, "r2")
    await commit(mongo_client, outbox, committed)

    async def aborted_request() -> None:
        async with transaction(mongo_client) as session:
            await outbox.add(session, aborted)
            raise RuntimeError("the request failed")

    with pytest.raises(RuntimeError):
        await aborted_request()

    relay = relay_for(database, infra, "relay-a")
    await relay.start(background=False)
    try:
        assert await relay.publish_pending() == 1
    finally:
        await relay.stop()

    [record] = await read_topic(infra.kafka_bootstrap_servers, topic)
    assert record.key == b"r1"
    assert record.value == committed.data
    assert list(record.headers) == list(committed.headers().items())
    cloud_event = from_binary_event(
        KafkaMessage(headers=dict(record.headers), key=record.key, value=record.value)
    )
    assert (cloud_event.get_id(), cloud_event.get_type()) == (
        committed.id,
        ReleasePublished.ce_type,
    )
    assert cloud_event.get_subject() == "r1"
    assert cloud_event.get_extension("tenantid") == "t1"
    received = parse(ReleasePublished, record.headers, record.value)
    assert received.data == ReleasePublished.model_validate_json(committed.data)
    stored = await database[Outbox.COLLECTION].find_one({"_id": committed.id})
    assert stored is not None
    assert stored["sent_at"] is not None


async def test_events_committed_while_no_relay_ran_are_published_exactly_once(
    database: Database,
    mongo_client: AsyncMongoClient[Document],
    outbox: Outbox,
    infra: Infra,
    topic: str,
) -> None:
    # The service committed, then died before any relay published.
    added = [release_envelope(topic, f"r{n % 5}", n + 1) for n in range(30)]
    for n in range(0, 30, 3):
        await commit(mongo_client, outbox, *added[n : n + 3])

    first = relay_for(database, infra, "relay-a")
    await first.start()
    try:
        await eventually(all_sent(outbox), "the backlog is published")
    finally:
        await first.stop()
    assert sorted(ids(await read_topic(infra.kafka_bootstrap_servers, topic))) == sorted(
        e.id for e in added
    )

    second = relay_for(database, infra, "relay-a")  # the same replica, restarted
    await second.start(background=False)
    try:
        assert await second.publish_pending() == 0
    finally:
        await second.stop()
    assert len(await read_topic(infra.kafka_bootstrap_servers, topic)) == 30


async def test_a_crash_between_publish_and_mark_sent_publishes_again(
    database: Database,
    mongo_client: AsyncMongoClient[Document],
    outbox: Outbox,
    infra: Infra,
    topic: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    added = [release_envelope(topic, f"r{n}") for n in range(5)]
    await commit(mongo_client, outbox, *added)
    relay = relay_for(database, infra, "relay-a")
    await relay.start(background=False)
    try:
        with monkeypatch.context() as patch:

            async def database_gone(*_: object) -> None:
                raise AutoReconnect("connection lost (test)")

            patch.setattr(Outbox, "mark_sent", database_gone)
            with pytest.raises(AutoReconnect):
                await relay.publish_pending()
        assert len(await outbox.unsent(10)) == 5  # published, but not known to be
        assert await relay.publish_pending() == 5
    finally:
        await relay.stop()
    published = ids(await read_topic(infra.kafka_bootstrap_servers, topic))
    assert sorted(published) == sorted(2 * [e.id for e in added])  # at least once: twice


async def test_entries_the_broker_did_not_acknowledge_stay_unsent_until_retried(
    database: Database,
    mongo_client: AsyncMongoClient[Document],
    outbox: Outbox,
    infra: Infra,
    topic: str,
) -> None:
    added = [release_envelope(topic, f"r{n}") for n in range(10)]
    for envelope in added:  # ten transactions, ten outbox documents
        await commit(mongo_client, outbox, envelope)
    producer = CountingProducer(infra.kafka_bootstrap_servers, fail_first=3)
    relay = relay_for(database, infra, "relay-a", producer=producer)
    await relay.start(background=False)
    try:
        with pytest.raises(PublishError, match="3 of 10"):
            await relay.publish_pending()
        assert [e.id for e in await outbox.unsent(10)] == [e.id for e in added[:3]]
        assert await relay.publish_pending() == 3
    finally:
        await relay.stop()
    assert sorted(ids(await read_topic(infra.kafka_bootstrap_servers, topic))) == sorted(
        e.id for e in added
    )


async def test_a_document_partly_acknowledged_is_published_again_whole(
    database: Database,
    mongo_client: AsyncMongoClient[Document],
    outbox: Outbox,
    infra: Infra,
    topic: str,
) -> None:
    """The events of one transaction share a document, marked sent only when the broker
    acknowledged them all: a partial failure publishes the acknowledged ones again (at least
    once), and loses none."""
    added = [release_envelope(topic, f"r{n}") for n in range(10)]
    await commit(mongo_client, outbox, *added)
    producer = CountingProducer(infra.kafka_bootstrap_servers, fail_first=3)
    relay = relay_for(database, infra, "relay-a", producer=producer)
    await relay.start(background=False)
    try:
        with pytest.raises(PublishError, match="3 of 10"):
            await relay.publish_pending()
        assert [e.id for e in await outbox.unsent(10)] == [e.id for e in added]
        assert await relay.publish_pending() == 10
        assert await outbox.unsent(10) == []
    finally:
        await relay.stop()
    published = ids(await read_topic(infra.kafka_bootstrap_servers, topic))
    assert sorted(published) == sorted([e.id for e in added] + [e.id for e in added[3:]])


async def test_the_background_loop_retries_after_broker_failures(
    database: Database,
    mongo_client: AsyncMongoClient[Document],
    outbox: Outbox,
    infra: Infra,
    topic: str,
) -> None:
    added = [release_envelope(topic, f"r{n}") for n in range(4)]
    for envelope in added:  # a document each: each is marked once the broker has it
        await commit(mongo_client, outbox, envelope)
    # Fails the first passes' sends, so the loop backs off a few times before it succeeds.
    producer = CountingProducer(infra.kafka_bootstrap_servers, fail_first=10)
    relay = relay_for(database, infra, "relay-a", producer=producer, max_backoff_s=0.2)
    await relay.start()
    try:
        await eventually(all_sent(outbox), "published after the failures")
    finally:
        await relay.stop()
    assert sorted(ids(await read_topic(infra.kafka_bootstrap_servers, topic))) == sorted(
        e.id for e in added
    )


async def test_only_the_lease_holder_publishes_and_the_other_takes_over(
    database: Database,
    mongo_client: AsyncMongoClient[Document],
    outbox: Outbox,
    infra: Infra,
    topic: str,
) -> None:
    producers = {owner: CountingProducer(infra.kafka_bootstrap_servers) for owner in ("a", "b")}
    relays = {
        owner: relay_for(database, infra, owner, producer=producer)
        for owner, producer in producers.items()
    }
    for relay in relays.values():
        await relay.start()
    try:

        async def someone_holds() -> bool:
            return any(relay.holds_lease for relay in relays.values())

        await eventually(someone_holds, "a relay takes the lease")
        holder = next(owner for owner, relay in relays.items() if relay.holds_lease)
        other = "b" if holder == "a" else "a"

        before = [release_envelope(topic, f"r{n % 4}", n + 1) for n in range(40)]
        for envelope in before:
            await commit(mongo_client, outbox, envelope)
        await eventually(all_sent(outbox), "the holder publishes")
        assert (producers[holder].sent, producers[other].sent) == (40, 0)
        assert not relays[other].holds_lease
        assert await relays[other].publish_pending() == 0

        await relays.pop(holder).stop()  # releases the lease
        await eventually(lambda: someone_holds(), "the other relay takes over")

        after = [release_envelope(topic, f"r{n % 4}", n + 1) for n in range(40, 60)]
        for envelope in after:
            await commit(mongo_client, outbox, envelope)
        await eventually(all_sent(outbox), "the new holder publishes")
        assert (producers[holder].sent, producers[other].sent) == (40, 20)
    finally:
        for relay in relays.values():
            await relay.stop()

    lease = await database[Lease.COLLECTION].find_one({"_id": LEASE_NAME})
    assert lease is None  # both stopped, both released
    published = ids(await read_topic(infra.kafka_bootstrap_servers, topic))
    assert sorted(published) == sorted(e.id for e in before + after)


async def test_each_key_is_published_in_commit_order(
    database: Database,
    mongo_client: AsyncMongoClient[Document],
    outbox: Outbox,
    infra: Infra,
    topic: str,
) -> None:
    shuffle = random.Random(7)
    keys = ["alpha", "beta", "gamma"]
    committed: list[Envelope] = []
    while len(committed) < 200:
        # Transactions of one to three events, keys mixed within and across them.
        batch = [
            release_envelope(topic, key, version=len(committed) + n + 1)
            for n, key in enumerate(shuffle.choices(keys, k=shuffle.randint(1, 3)))
        ][: 200 - len(committed)]
        await commit(mongo_client, outbox, *batch)
        committed.extend(batch)

    relay = relay_for(database, infra, "relay-a", batch_size=17)  # many batches
    await relay.start()
    try:
        await eventually(all_sent(outbox), "all 200 published")
    finally:
        await relay.stop()

    records = await read_topic(infra.kafka_bootstrap_servers, topic)
    assert len(records) == 200
    for key in keys:
        expected = [e.id for e in committed if e.key == key]
        # Records of one key share a partition; offsets give the order the broker stored.
        of_key = sorted((r for r in records if r.key == key.encode()), key=lambda r: r.offset)
        assert len({r.partition for r in of_key}) == 1
        assert ids(of_key) == expected


async def test_an_insert_wakes_the_holder_before_its_next_poll(
    database: Database,
    mongo_client: AsyncMongoClient[Document],
    outbox: Outbox,
    infra: Infra,
    topic: str,
) -> None:
    # Polls every 60 s (and renews the lease every 40 s): only the change stream can make it
    # publish within the test's deadline.
    relay = relay_for(database, infra, "relay-a", poll_interval_s=60.0, lease_ttl_s=120.0)
    await relay.start()
    try:
        await eventually(
            lambda: asyncio.sleep(0, relay.listens_to_inserts), "the idle holder listens"
        )
        envelope = release_envelope(topic, "r1")
        await commit(mongo_client, outbox, envelope)
        await eventually(all_sent(outbox), "published on the insert's wake-up")
    finally:
        await relay.stop()
    assert ids(await read_topic(infra.kafka_bootstrap_servers, topic)) == [envelope.id]


async def test_after_a_burst_the_idle_holder_listens_to_inserts_again(
    database: Database,
    mongo_client: AsyncMongoClient[Document],
    outbox: Outbox,
    infra: Infra,
    topic: str,
) -> None:
    # During a burst the holder polls (every busy_pause_s) and closes its change stream; once a
    # pass finds nothing it must listen again, or the next event would wait for the 60 s poll.
    relay = relay_for(
        database, infra, "relay-a", poll_interval_s=60.0, lease_ttl_s=120.0, busy_pause_s=0.05
    )
    await relay.start()
    try:
        await eventually(lambda: asyncio.sleep(0, relay.holds_lease), "the relay holds the lease")
        burst = [release_envelope(topic, f"r{n}") for n in range(20)]
        for envelope in burst:
            await commit(mongo_client, outbox, envelope)
            await asyncio.sleep(0.02)  # spread the burst over several passes
        await eventually(all_sent(outbox), "the burst is published")
        await eventually(
            lambda: asyncio.sleep(0, relay.listens_to_inserts), "idle: listening again"
        )
        late = release_envelope(topic, "late")
        await commit(mongo_client, outbox, late)
        await eventually(all_sent(outbox), "the late event is published on its wake-up")
    finally:
        await relay.stop()
    assert sorted(ids(await read_topic(infra.kafka_bootstrap_servers, topic))) == sorted(
        e.id for e in [*burst, late]
    )


async def test_stop_gives_up_a_batch_stuck_on_a_silent_broker_and_keeps_it_unsent(
    database: Database,
    mongo_client: AsyncMongoClient[Document],
    outbox: Outbox,
    infra: Infra,
    topic: str,
) -> None:
    await commit(mongo_client, outbox, *(release_envelope(topic, f"r{n}") for n in range(3)))
    producer = CountingProducer(infra.kafka_bootstrap_servers, hang=True)
    relay = relay_for(database, infra, "relay-a", producer=producer, stop_timeout_s=0.2)
    await relay.start()

    async def batch_in_flight() -> bool:
        return producer.sent == 3

    await eventually(batch_in_flight, "the relay sends its batch")
    await relay.stop()
    assert len(await outbox.unsent(10)) == 3
    assert await database[Lease.COLLECTION].find_one({"_id": LEASE_NAME}) is None
