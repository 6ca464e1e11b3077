"""Benchmark P5: from a publish request to the first social post, and each service's idle CPU.

System (in this process, as they run): the publisher app and the distribution app, each with its
lifespan (outbox relays, consumers, delivery worker), against the local Kafka and MongoDB
servers, and a Mastodon fake (a thread of this process). One tenant, one newsroom, one Mastodon
channel. For each release: a draft is written (not timed), then the clock runs from the
``POST /v1/releases/{id}/publish`` request to the moment the fake has the status. In between:
the publisher's transaction (release + outbox), its relay (woken by a change stream), Kafka,
distribution's ReleasePublished consumer planning the post, its delivery worker claiming it,
composing and posting.

Baseline (raw chain), same run, same servers, same fake: an aiokafka producer sends one message,
a consumer with the same fetch settings as distribution's publish-path consumer receives it and
makes one httpx POST of a status to the fake; timed from the send to the fake having the status.
Rounds alternate raw and system. The system's stages (request committed, relayed, consumed,
planned, claimed, posted) are read from the services' database commands (``stages.py``).

Idle CPU: each service started as its own process (``python -m <service>``, default settings,
so the production fetch wait, not the local broker's short one),
given 10 s to settle once ready, then its CPU time over 60 s (``/proc/<pid>/stat``), as a share
of one core. Short fetch waits buy latency with idle fetches; this shows what they cost.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from pymongo import monitoring

from bench.stages import StageClock
from distribution.adapters.crypto import new_key
from distribution.adapters.mongo.channels import MongoChannels
from distribution.config import DistributionSettings
from distribution.domain.channels import Channel, MastodonConfig
from distribution.main import create_app as create_distribution
from newsroom_shared.mongo import make_client
from newsroom_testing.consumer import eventually
from newsroom_testing.fixtures import drop_test_database
from publisher.config import PublisherSettings
from publisher.main import create_app as create_publisher

# The tests' fakes are not a package of the workspace.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services/distribution/tests"))

from fakes import FakeMastodon, serving
from fakes.mastodon import TOKEN as MASTODON_TOKEN

OPERATOR_TOKEN = "bench-operator-token"
POLL_S = 0.001  # the fake's status list, in memory: cheap to look at often
TIMEOUT_S = 60.0
IDLE_SETTLE_S = 10.0
IDLE_MEASURE_S = 60.0


@dataclass
class Stack:
    publisher: httpx.AsyncClient
    mastodon: FakeMastodon
    token: str
    newsroom_id: str
    publisher_app: FastAPI
    stages: StageClock

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def publisher_settings(bootstrap: str, mongo_uri: str, run: str) -> PublisherSettings:
    return PublisherSettings(
        kafka_bootstrap_servers=bootstrap,
        mongodb_uri=mongo_uri,
        mongodb_database=f"bench_publisher_{run}",
        consumer_group=f"bench-publisher-{run}",
        platform_token=OPERATOR_TOKEN,
        signing_secret="bench-signing-secret",
        public_rate_per_minute=100_000,
        public_rate_burst=10_000,
        log_json=False,
        log_level="WARNING",
    )


def distribution_settings(bootstrap: str, mongo_uri: str, run: str) -> DistributionSettings:
    return DistributionSettings(
        kafka_bootstrap_servers=bootstrap,
        mongodb_uri=mongo_uri,
        mongodb_database=f"bench_distribution_{run}",
        consumer_group=f"bench-distribution-{run}",
        credentials_keys=new_key(),
        subscriber_token_keys=new_key(),
        recipient_digest_key=new_key(),
        allow_insecure_urls=True,
        log_json=False,
        log_level="WARNING",
    )


async def until(check: Callable[[], Awaitable[bool] | bool], what: str) -> None:
    await eventually(check, what, timeout_s=TIMEOUT_S, interval_s=POLL_S)


@asynccontextmanager
async def system(bootstrap: str, mongo_uri: str, mastodon: FakeMastodon) -> AsyncIterator[Stack]:
    run = uuid.uuid4().hex[:8]
    p_settings = publisher_settings(bootstrap, mongo_uri, run)
    d_settings = distribution_settings(bootstrap, mongo_uri, run)
    # Registered before the services make their clients, so it sees their commands.
    stages = StageClock()
    stages.watch(p_settings.database_name, d_settings.database_name)
    monitoring.register(stages)
    async with AsyncExitStack() as stack:
        client = make_client(mongo_uri)
        stack.push_async_callback(client.close)
        for settings in (p_settings, d_settings):
            stack.push_async_callback(drop_test_database, client, settings.database_name)
        publisher_app = create_publisher(p_settings)
        distribution_app = create_distribution(d_settings)
        for app in (publisher_app, distribution_app):
            await stack.enter_async_context(LifespanManager(app, 120, 120))
        transport = httpx.ASGITransport(app=publisher_app)
        http = await stack.enter_async_context(
            httpx.AsyncClient(transport=transport, base_url="http://publisher")
        )
        operator = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
        created = (await http.post("/v1/tenants", json={"name": "Bench"}, headers=operator)).json()
        tenant, token = created["tenant"]["id"], created["api_key"]["token"]
        newsroom = await http.post(
            "/v1/newsrooms",
            json={"slug": f"bench-{run}", "name": "Bench Newsroom", "default_language": "en"},
            headers={"Authorization": f"Bearer {token}"},
        )
        newsroom.raise_for_status()
        newsroom_id = newsroom.json()["id"]
        distribution = distribution_app.state.distribution
        channel = Channel(
            id=f"mastodon-{run}",
            tenant_id=tenant,
            name="Mastodon",
            newsroom_id=newsroom_id,
            config=MastodonConfig(
                instance_url=mastodon.base_url,
                access_token=MASTODON_TOKEN,
                allow_insecure_url=True,
            ),
        )
        await MongoChannels(distribution.runtime.db, distribution.cipher).save(channel)
        yield Stack(http, mastodon, token, newsroom_id, publisher_app, stages)


async def publish_and_time(stack: Stack, number: int) -> float:
    draft = await stack.publisher.post(
        "/v1/releases",
        json={
            "newsroom_id": stack.newsroom_id,
            "title": f"Release number {number}",
            "lead": "Timed from the publish request to the first social post.",
            "body": "<p>Benchmark P5.</p>",
        },
        headers=stack.auth(),
    )
    draft.raise_for_status()
    release_id = draft.json()["id"]
    before = len(stack.mastodon.statuses)
    stack.stages.start()
    started = time.perf_counter()
    answer = await stack.publisher.post(f"/v1/releases/{release_id}/publish", headers=stack.auth())
    answer.raise_for_status()
    await until(lambda: len(stack.mastodon.statuses) > before, f"post of {release_id}")
    elapsed = time.perf_counter() - started
    stack.stages.mark("posted")
    stack.stages.finish()
    return elapsed


@asynccontextmanager
async def raw_chain(
    bootstrap: str, mastodon: FakeMastodon, fetch_max_wait_ms: int
) -> AsyncIterator[Callable[[int], Awaitable[float]]]:
    topic = f"bench.p5.raw.{uuid.uuid4().hex[:8]}"
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"bench-p5-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        fetch_max_wait_ms=fetch_max_wait_ms,
    )
    http = httpx.AsyncClient(timeout=10)
    await producer.start()
    await consumer.start()

    async def post_each() -> None:
        async for record in consumer:
            await http.post(
                f"{mastodon.base_url}/api/v1/statuses",
                headers={
                    "Authorization": f"Bearer {MASTODON_TOKEN}",
                    "Idempotency-Key": record.value.decode(),
                },
                data={"status": f"Release {record.value.decode()}"},
            )

    posting = asyncio.create_task(post_each())

    async def one(number: int) -> float:
        before = len(mastodon.statuses)
        started = time.perf_counter()
        await producer.send_and_wait(topic, f"{topic}-{number}".encode(), key=b"release")
        await until(lambda: len(mastodon.statuses) > before, f"raw post {number}")
        return time.perf_counter() - started

    try:
        await one(-1)  # joined and connected before the clock counts
        yield one
    finally:
        posting.cancel()
        await consumer.stop()
        await producer.stop()
        await http.aclose()


def percentiles(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "p50_ms": statistics.median(samples) * 1000,
        "p95_ms": cuts[94] * 1000,
        "max_ms": max(samples) * 1000,
        "n": len(samples),
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (``/proc/<pid>/stat`` fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def idle_cpu(bootstrap: str, mongo_uri: str) -> dict[str, float]:
    """Each service as its own process, idle: its CPU over IDLE_MEASURE_S as a share of a core."""
    run = uuid.uuid4().hex[:8]
    ports = {"publisher": 18701, "distribution": 18704}
    # The production settings: without the local broker's short fetch waits (see config.py).
    local_waits = {"KAFKA_FETCH_MAX_WAIT_MS", "KAFKA_OFF_PATH_FETCH_MAX_WAIT_MS"}
    inherited = {k: v for k, v in os.environ.items() if k not in local_waits}
    env = {
        **inherited,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "MONGODB_URI": mongo_uri,
        "LOG_LEVEL": "WARNING",
        "PUBLISHER_MONGODB_DATABASE": f"bench_publisher_{run}",
        "PUBLISHER_CONSUMER_GROUP": f"bench-idle-publisher-{run}",
        "PUBLISHER_SIGNING_SECRET": "bench-signing-secret",
        "DISTRIBUTION_MONGODB_DATABASE": f"bench_distribution_{run}",
        "DISTRIBUTION_CONSUMER_GROUP": f"bench-idle-distribution-{run}",
        "DISTRIBUTION_CREDENTIALS_KEYS": new_key(),
        "DISTRIBUTION_SUBSCRIBER_TOKEN_KEYS": new_key(),
        "DISTRIBUTION_RECIPIENT_DIGEST_KEY": new_key(),
    }
    processes = {
        name: await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", name, "--host", "127.0.0.1", "--port", str(port)),
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        for name, port in ports.items()
    }
    client = make_client(mongo_uri)
    try:
        async with httpx.AsyncClient(timeout=2) as http:
            for name, port in ports.items():

                async def ready(port: int = port) -> bool:
                    try:
                        return (await http.get(f"http://127.0.0.1:{port}/readyz")).is_success
                    except httpx.HTTPError:
                        return False

                await until(ready, f"{name} ready")
        await asyncio.sleep(IDLE_SETTLE_S)
        before = {name: cpu_seconds(p.pid) for name, p in processes.items()}
        await asyncio.sleep(IDLE_MEASURE_S)
        return {
            f"{name}_core_share": (cpu_seconds(p.pid) - before[name]) / IDLE_MEASURE_S
            for name, p in processes.items()
        }
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            await asyncio.wait_for(process.wait(), 30)
        for name in (env["PUBLISHER_MONGODB_DATABASE"], env["DISTRIBUTION_MONGODB_DATABASE"]):
            await drop_test_database(client, name)
        await client.close()


async def run(bootstrap: str, mongo_uri: str, events: int, rounds: int) -> dict[str, Any]:
    releases = max(50, min(events, 200))  # per side, over all rounds
    per_round = -(-releases // rounds)
    raw: list[float] = []
    measured: list[float] = []
    fetch_wait = DistributionSettings().kafka_fetch_max_wait_ms
    report: dict[str, Any] = {
        "benchmark": "P5 publish request to first social post",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "releases_per_side": per_round * rounds,
        "fetch_max_wait_ms": fetch_wait,
    }
    with serving(FakeMastodon()) as mastodon:
        async with (
            raw_chain(bootstrap, mastodon, fetch_wait) as raw_one,
            system(bootstrap, mongo_uri, mastodon) as stack,
        ):
            await publish_and_time(stack, -1)  # consumers joined, connections open
            stack.stages.samples.clear()
            number = 0
            for _ in range(rounds):
                for _ in range(per_round):
                    number += 1
                    raw.append(await raw_one(number))
                for _ in range(per_round):
                    number += 1
                    measured.append(await publish_and_time(stack, number))
            report["system_stages"] = stack.stages.report()
    report["raw_chain"] = percentiles(raw)
    report["system"] = percentiles(measured)
    report["p50_over_raw_ms"] = report["system"]["p50_ms"] - report["raw_chain"]["p50_ms"]
    report["goal_p50_within_raw_plus_50_ms"] = report["p50_over_raw_ms"] <= 50
    report["idle_cpu"] = await idle_cpu(bootstrap, mongo_uri)
    report["goal_idle_at_most_2_percent_of_a_core"] = all(
        share <= 0.02 for share in report["idle_cpu"].values()
    )
    return report
