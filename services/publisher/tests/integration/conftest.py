"""Running the publisher app for real: local Kafka-protocol broker and MongoDB-protocol server,
a fresh database and consumer group per test, a FakeClock, short poll intervals."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from newsroom_testing.clock import FakeClock
from newsroom_testing.consumer import eventually
from newsroom_testing.fixtures import drop_test_database
from publisher.config import PublisherSettings
from publisher.main import create_app

OPERATOR_TOKEN = "operator-token-for-tests"
PUBLIC_BASE_URL = "https://news.example"
PUBLIC_WEB_ORIGIN = "https://www.news.example"


@pytest.fixture
def settings(infra, unique) -> PublisherSettings:
    return PublisherSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
        mongodb_uri=infra.mongodb_uri,
        mongodb_database=f"test_publisher_{unique}",
        consumer_group=f"publisher-{unique}",
        retry_max_attempts=3,
        retry_backoff_initial_s=0.01,
        retry_backoff_max_s=0.05,
        outbox_poll_interval_s=0.1,
        scheduler_interval_s=0.05,
        platform_token=OPERATOR_TOKEN,
        signing_secret="signing-secret-for-tests",
        public_base_url=PUBLIC_BASE_URL,
        public_web_origin=PUBLIC_WEB_ORIGIN,
        public_rate_per_minute=10_000,
        public_rate_burst=1_000,
        log_json=False,
        # Each consumer takes seconds to join its group: only the tests of consumers run them.
        consumers_enabled=False,
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def drop_database(mongo_client, settings) -> AsyncIterator[None]:
    yield
    await drop_test_database(mongo_client, settings.database_name)


@asynccontextmanager
async def running(settings: PublisherSettings, clock: FakeClock) -> AsyncIterator[Client]:
    """One app instance (lifespan started), and an HTTP client talking to it in process."""
    app = create_app(settings, clock=clock)
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://publisher") as http:
            yield Client(http, app)


@dataclass
class Client:
    http: httpx.AsyncClient
    app: FastAPI

    async def outbox_drained(self) -> None:
        """Wait until the relay has sent every event committed so far."""
        outbox = self.app.state.publisher.runtime.outbox

        async def drained() -> bool:
            return await outbox.count_unsent() == 0

        await eventually(drained, timeout_s=30)

    async def new_tenant(self, name: str = "Acme") -> Tenant:
        answer = await self.http.post(
            "/v1/tenants",
            json={"name": name},
            headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"},
        )
        assert answer.status_code == 201, answer.text
        body = answer.json()
        return Tenant(self.http, body["tenant"]["id"], body["api_key"]["token"])


@dataclass
class Tenant:
    """A tenant's admin view of the API: requests carry its key."""

    http: httpx.AsyncClient
    id: str
    token: str

    def _auth(self, headers: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    async def request(
        self, method: str, url: str, *, headers: dict[str, str] | None = None, **kw: Any
    ) -> httpx.Response:
        return await self.http.request(method, url, headers=self._auth(headers), **kw)

    async def ok(self, method: str, url: str, status: int = 200, **kw: Any) -> Any:
        answer = await self.request(method, url, **kw)
        assert answer.status_code == status, f"{method} {url}: {answer.status_code} {answer.text}"
        return answer.json() if answer.content else None

    async def newsroom(self, slug: str, **fields: Any) -> dict[str, Any]:
        body = {"name": f"Newsroom {slug}", "slug": slug, "default_language": "en", **fields}
        return await self.ok("POST", "/v1/newsrooms", 201, json=body)

    async def release(
        self, newsroom_id: str, title: str = "Big news", **fields: Any
    ) -> dict[str, Any]:
        body = {"newsroom_id": newsroom_id, "title": title, **fields}
        return await self.ok("POST", "/v1/releases", 201, json=body)

    def as_key(self, token: str) -> Tenant:
        return Tenant(self.http, self.id, token)


@pytest.fixture
async def client(settings, clock, drop_database) -> AsyncIterator[Client]:
    async with running(settings, clock) as client:
        yield client


async def read_topic(bootstrap_servers: str, topic: str) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record on ``topic`` up to its current end, with a plain groupless aiokafka consumer."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    try:
        await consumer.topics()  # a metadata refresh, so partitions_for_topic knows the topic
        numbers = consumer.partitions_for_topic(topic) or set()
        assigned = [TopicPartition(topic, n) for n in sorted(numbers)]
        if not assigned:
            return []
        consumer.assign(assigned)
        await consumer.seek_to_beginning(*assigned)
        ends = await consumer.end_offsets(assigned)
        records: list[ConsumerRecord[bytes, bytes]] = []
        while [tp for tp in assigned if await consumer.position(tp) < ends[tp]]:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(batch)
        return records
    finally:
        await consumer.stop()


async def events_of(
    bootstrap_servers: str, topic: str, release_id: str
) -> list[ConsumerRecord[bytes, bytes]]:
    """The records on ``topic`` keyed by ``release_id`` (topics are shared by all test runs)."""
    return (await events_by_key(bootstrap_servers, topic, [release_id]))[release_id]


async def events_by_key(
    bootstrap_servers: str, topic: str, keys: list[str]
) -> dict[str, list[ConsumerRecord[bytes, bytes]]]:
    """The records on ``topic`` for each of ``keys``, from one read of the topic."""
    found: dict[str, list[ConsumerRecord[bytes, bytes]]] = {key: [] for key in keys}
    for record in await read_topic(bootstrap_servers, topic):
        key = (record.key or b"").decode()
        if key in found:
            found[key].append(record)
    return found
