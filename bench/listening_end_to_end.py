"""Benchmark P3, end to end: posts from the internal topic (``newsroom.post.fetched.v1``) to
stored mentions and ``MentionDetected`` in the outbox, through the listening app as it runs
(``create_app``, its consumer, inbox, outbox), with 10,000 queries over 100 tenants and ~1 % of
posts matching, on the local servers.

Reports posts per second (first post produced to the last one applied), database commands per
post (what carries over to production), and, as a check on our own Python, a raw loop on the
same servers: aiokafka consuming the same posts and one ``insert_one`` each.
"""

from __future__ import annotations

import asyncio
import functools
import time
import uuid
from typing import Any
from unittest import mock

from aiokafka import AIOKafkaConsumer
from asgi_lifespan import LifespanManager

from bench.counting import Commands
from bench.listening_matching import NOW, make_posts, make_queries
from listening.config import ListeningSettings
from listening.main import create_app
from newsroom_shared import runtime
from newsroom_shared.events.envelope import envelope_for
from newsroom_shared.events.listening import PostFetched
from newsroom_shared.mongo import make_client
from newsroom_testing.consumer import produce_envelopes
from newsroom_testing.fixtures import drop_test_database


def posts_as_events(count: int, run_id: str) -> list[Any]:
    return [
        envelope_for(
            PostFetched(
                tenant_id=tenant,
                post_key=f"{run_id}-{n}",
                source_kind="webhook",
                source_url="urn:bench",
                url=url,
                text=text,
                language="en",
                fetched_at=NOW,
            ),
            source="/newsroom/listening",
        )
        # Posts of their own per run (seeded by it): the same posts again would be copies of
        # the mentions an earlier run left, and dropped.
        for n, (tenant, url, text) in enumerate(make_posts(count, seed=int(run_id, 16)))
    ]


def query_documents() -> list[dict[str, Any]]:
    return [
        {
            "_id": q.id,
            "tenant_id": q.tenant_id,
            "name": q.name,
            "text": q.text,
            "created_at": q.created_at,
            "updated_at": q.updated_at,
            "version": q.version,
        }
        for q in make_queries()
    ]


async def until(check: Any, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError("the run did not finish in time")
        await asyncio.sleep(0.05)


async def caught_up(db: Any, applied: dict[str, Any]) -> int:
    """The inbox count once it has stopped growing (at least 5 s: the group's join)."""
    await asyncio.sleep(5)
    previous, current = -1, 0
    while current != previous:
        previous = current
        current = int(await db["inbox"].count_documents(applied))
        await asyncio.sleep(2)
    return current


async def system_round(bootstrap: str, mongo_uri: str, count: int) -> dict[str, Any]:
    run_id = uuid.uuid4().hex[:8]
    settings = ListeningSettings(
        kafka_bootstrap_servers=bootstrap,
        mongodb_uri=mongo_uri,
        mongodb_database=f"bench_listening_{run_id}",
        consumer_group=f"bench-listening-{run_id}",
        webhook_secret_keys="bench",
        log_json=False,
        log_level="WARNING",
    )
    client = make_client(mongo_uri)  # the benchmark's own: its polls are not counted
    db = client[settings.database_name]
    try:
        await db["queries"].insert_many(query_documents())
        await db["query_version"].insert_one({"_id": "queries", "version": 1})
        commands = Commands()
        counted = functools.partial(make_client, event_listeners=[commands])
        with mock.patch.object(runtime, "make_client", counted):
            app = create_app(settings)
        events = posts_as_events(count, run_id)
        applied = {"consumer": "listening.post-fetched"}
        async with LifespanManager(app, startup_timeout=120, shutdown_timeout=120):
            # A new consumer group starts at the topic's beginning: let it join and apply what
            # earlier runs and tests left there, so the timed window holds this run's posts only.
            before = await caught_up(db, applied)
            mentions_before = await db["mentions"].count_documents({})
            commands.reset()
            started = time.perf_counter()
            await produce_envelopes(bootstrap, events)

            async def all_applied() -> bool:
                return await db["inbox"].count_documents(applied) >= before + count

            await until(all_applied, timeout_s=600)
            elapsed = time.perf_counter() - started
            per_post = commands.per(count)
            by_collection = commands.per_collection(count)
        mentions = await db["mentions"].count_documents({}) - mentions_before
        return {
            "posts": count,
            "posts_per_s": round(count / elapsed, 1),
            "mentions": mentions,
            "db_commands_per_post": {k: round(v, 3) for k, v in per_post.items()},
            "db_commands_per_post_by_collection": {
                k: round(v, 3) for k, v in list(by_collection.items())[:8]
            },
        }
    finally:
        await drop_test_database(client, settings.database_name)
        await client.close()


async def raw_round(bootstrap: str, mongo_uri: str, count: int) -> float:
    """aiokafka consuming ``count`` posts from the topic, one ``insert_one`` each."""
    run_id = uuid.uuid4().hex[:8]
    topic = f"bench.raw.{run_id}"
    events = posts_as_events(count, run_id)
    client = make_client(mongo_uri)
    db = client[f"bench_raw_{run_id}"]
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=f"raw-{run_id}", auto_offset_reset="earliest"
    )
    try:
        from newsroom_testing.consumer import produce, raw_message

        await produce(bootstrap, topic, [raw_message(e) for e in events])
        await consumer.start()
        started = time.perf_counter()
        seen = 0
        while seen < count:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    await db["raw"].insert_one({"key": record.key, "value": record.value})
                    seen += 1
        return count / (time.perf_counter() - started)
    finally:
        await consumer.stop()
        await client.drop_database(db.name)
        await client.close()


async def run(bootstrap: str, mongo_uri: str, events: int, rounds: int) -> dict[str, Any]:
    count = min(events, 5000)
    results: dict[str, Any] = {"benchmark": "p3-end-to-end", "queries": 10_000, "rounds": []}
    for _ in range(rounds):
        system = await system_round(bootstrap, mongo_uri, count)
        raw = await raw_round(bootstrap, mongo_uri, count)
        system["raw_consume_insert_per_s"] = round(raw, 1)
        system["ratio_to_raw"] = round(system["posts_per_s"] / raw, 2)
        results["rounds"].append(system)
    return results
