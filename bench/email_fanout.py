"""Benchmark P2: one release to N confirmed subscribers through the running service, against a
raw aiosmtplib loop, same run, same SMTP sink, same pool size; and publication to last social post.

System (end to end, in this process): the distribution app as it runs (``create_app`` with its
lifespan: the ReleasePublished consumer, the delivery worker, the outbox relay) against the local
Kafka and MongoDB servers. A ReleasePublished event is produced for a newsroom with N confirmed
subscribers (seeded in bulk) and an email channel; the clock runs from the event's production to
the moment the SMTP sink has accepted all N messages. In between: consuming the event and
planning N deliveries (a page of 500 subscribers per transaction, the first with the event),
claiming due ones in batches (one claim path for every kind), rendering once, stamping each
recipient's message, sending over the pool, recording outcomes (group commit) with their
DeliverySucceeded events in the outbox.

Baseline (raw): a plain aiosmtplib loop over the same number of connections sending the same
messages (each recipient's message, built before the clock starts) to the same sink.

The sink is the tests' aiosmtpd sink (``tests/fakes/smtp_sink.py``, counting, not parsing) in a
thread of this process, so both sides share the interpreter with it alike. Rounds alternate raw
and system. Social latency: a release for a newsroom with one channel on each of the 5 network
fakes (threads of this process), timed from the event's production to the fakes' fifth post.

Database commands (what carries over to MongoDB): the service's own client counts them from
the event's production until every delivery has ended, by name and by collection; then the
service idles ``IDLE_S`` seconds and its idle rate (the relay's, worker's and mailer's polls)
is reported too, with the commands per email net of it (the fan-out path's own).

Database share (``email_db_share.py``): the service's own database work for the N emails done
back to back with nothing else; its rate bounds the system's on this database server.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import statistics
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from unittest import mock

import aiosmtplib
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from distribution.adapters.crypto import new_key
from distribution.adapters.mongo.channels import MongoChannels
from distribution.adapters.mongo.subscribers import MongoSubscribers
from distribution.bootstrap import Distribution
from distribution.config import DistributionSettings
from distribution.domain.channels import Channel, ChannelConfig, EmailConfig
from distribution.domain.email import Recipient, ReleaseEmail, Sender, render_release
from distribution.domain.subscribers import Consent, Subscriber
from distribution.main import create_app
from newsroom_shared import runtime
from newsroom_shared.events.envelope import envelope_for
from newsroom_shared.events.publisher import ReleasePublished
from newsroom_shared.mongo import Database, make_client
from newsroom_testing.consumer import produce_envelopes
from newsroom_testing.fixtures import drop_test_database

# The tests' fakes (SMTP sink, network fakes) are not a package of the workspace.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services/distribution/tests"))

from fakes import FakeBluesky, FakeFacebook, FakeLinkedIn, FakeMastodon, FakeX, serving
from fakes.smtp_sink import SmtpSink

from bench.counting import Commands
from bench.email_db_share import db_share_round
from bench.social_latency import network_channels, posts_created

POOL = 4  # SMTP connections, both sides
HOST = "127.0.0.1"
LOCAL_HOSTNAME = "bench.local"  # the same EHLO name for both sides, and no DNS lookup
NEWSROOM = "n1"
SENDER = "news@acme.example"
POLL_S = 0.01
# Polls of the database (not of the sink's counters): each counts the release's deliveries, so
# they are kept rare, not to compete with the service for the database.
DB_POLL_S = 2.0
TIMEOUT_S = 900.0
# After each email round, the service's commands are counted this long with nothing to do:
# its background loops' idle rate (relay, claim and mailer polls), which runs whatever the
# fan-out and is subtracted to give the fan-out path's own commands per email.
IDLE_S = 10.0


@dataclass
class Harness:
    """The running service and what it talks to."""

    app: FastAPI
    db: Database
    sink: SmtpSink
    fakes: dict[str, Any]
    bootstrap_servers: str
    commands: Commands

    @property
    def distribution(self) -> Distribution:
        distribution: Distribution = self.app.state.distribution
        return distribution


def settings_for(
    bootstrap: str, mongo_uri: str, run_id: str, sink: SmtpSink, fakes: dict[str, Any]
) -> DistributionSettings:
    """The service's defaults, except where to connect and the keys (fixed for the run)."""
    return DistributionSettings(
        kafka_bootstrap_servers=bootstrap,
        mongodb_uri=mongo_uri,
        mongodb_database=f"bench_distribution_{run_id}",
        consumer_group=f"bench-distribution-{run_id}",
        credentials_keys=new_key(),
        subscriber_token_keys="bench-token-key",
        recipient_digest_key="bench-digest-key",
        public_base_url="https://news.example",
        smtp_host=sink.host,
        smtp_port=sink.port,
        smtp_pool_size=POOL,
        smtp_local_hostname=LOCAL_HOSTNAME,
        x_api_url=fakes["x"].base_url,
        linkedin_api_url=fakes["linkedin"].base_url,
        facebook_api_url=fakes["facebook"].base_url,
        log_json=False,
        log_level="WARNING",
    )


@asynccontextmanager
async def harness(bootstrap: str, mongo_uri: str) -> AsyncIterator[Harness]:
    run_id = uuid.uuid4().hex[:8]
    async with AsyncExitStack() as stack:
        sink = SmtpSink(parse=False)
        sink.start()
        stack.callback(sink.stop)
        fakes: dict[str, Any] = {
            "mastodon": stack.enter_context(serving(FakeMastodon())),
            "bluesky": stack.enter_context(serving(FakeBluesky())),
            "x": stack.enter_context(serving(FakeX())),
            "linkedin": stack.enter_context(serving(FakeLinkedIn())),
            "facebook": stack.enter_context(serving(FakeFacebook())),
        }
        settings = settings_for(bootstrap, mongo_uri, run_id, sink, fakes)
        client = make_client(mongo_uri)  # the benchmark's own: its polls are not counted
        stack.push_async_callback(client.close)
        stack.push_async_callback(drop_test_database, client, settings.database_name)
        # The service's own client reports every command it sends to the benchmark's counter.
        commands = Commands()
        counted = functools.partial(make_client, event_listeners=[commands])
        with mock.patch.object(runtime, "make_client", counted):
            app = create_app(settings)
        await stack.enter_async_context(
            LifespanManager(app, startup_timeout=120, shutdown_timeout=120)
        )
        yield Harness(app, client[settings.database_name], sink, fakes, bootstrap, commands)


async def add_channels(h: Harness, tenant: str, configs: dict[str, ChannelConfig]) -> None:
    channels = MongoChannels(h.distribution.runtime.db, h.distribution.cipher)
    for name, config in configs.items():
        channel = Channel(id=f"{name}-{tenant}", tenant_id=tenant, name=name, config=config)
        await channels.save(channel)


def subscriber_address(number: int) -> str:
    return f"reader{number}@example.org"


async def add_subscribers(h: Harness, tenant: str, count: int) -> None:
    """``count`` confirmed subscribers, written in bulk (insert_many in chunks)."""
    now = datetime.now(UTC)
    consent = Consent(given_at=now, method="double_opt_in")
    repository = MongoSubscribers(h.distribution.runtime.db)
    for first in range(0, count, 1000):
        people = [
            Subscriber.create(
                subscriber_id=f"s{n}-{tenant}",
                tenant_id=tenant,
                newsroom_id=NEWSROOM,
                email=subscriber_address(n),
                consent=consent,
                now=now,
            ).confirm(now)
            for n in range(first, min(first + 1000, count))
        ]
        await repository.add_many(people)


def published(tenant: str, release_id: str) -> ReleasePublished:
    return ReleasePublished(
        tenant_id=tenant,
        release_id=release_id,
        newsroom_id=NEWSROOM,
        newsroom_slug="acme",
        slug="third-plant",
        title="Acme opens its third plant and hires 400 people",
        lead="The new plant in Lyon doubles the output of widgets. " * 8,
        language="en",
        categories=["company"],
        url=f"https://news.example/acme/{release_id}",
        version=1,
        published_at=datetime.now(UTC),
    )


async def until(
    check: Callable[[], bool | Awaitable[bool]],
    timeout_s: float = TIMEOUT_S,
    interval_s: float = POLL_S,
) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        result = check()
        if not isinstance(result, bool):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise TimeoutError("the benchmark's condition was not met in time")
        await asyncio.sleep(interval_s)


async def settled(h: Harness, tenant: str, release_id: str, expected: int) -> None:
    """Until every delivery of the release has ended (not timed: the next round starts clean)."""
    deliveries = h.db["deliveries"]
    query = {"tenant_id": tenant, "release_id": release_id}

    async def done() -> bool:
        unfinished = {**query, "status": {"$in": ["pending", "sending"]}}
        planned = await deliveries.count_documents(query)
        return planned == expected and await deliveries.count_documents(unfinished) == 0

    await until(done, interval_s=DB_POLL_S)


async def publish_and_time(
    h: Harness, event: ReleasePublished, *arrivals: Callable[[], bool]
) -> list[float]:
    """Seconds from producing ``event`` until each of ``arrivals`` (in turn) holds."""
    envelope = envelope_for(event, source="/bench/publisher")
    started = time.perf_counter()
    await produce_envelopes(h.bootstrap_servers, [envelope])
    seconds = []
    for arrived in arrivals:
        await until(arrived)
        seconds.append(time.perf_counter() - started)
    return seconds


async def system_email_round(
    h: Harness, tenant: str, count: int, release_id: str
) -> tuple[float, float, float]:
    """Seconds until the sink holds the first email, all ``count`` of them, and every
    delivery's record says it ended (its outcome committed). The first
    tells the fan-out's own time from the event's way to it (a consumer group rebalancing)."""
    base = h.sink.accepted
    started = time.perf_counter()
    first, last = await publish_and_time(
        h,
        published(tenant, release_id),
        lambda: h.sink.accepted > base,
        lambda: h.sink.accepted - base >= count,
    )
    await settled(h, tenant, release_id, count)
    return first, last, time.perf_counter() - started


def raw_messages(count: int, tenant: str) -> list[EmailMessage]:
    """The messages the service sends (same template, release, recipients and header shapes),
    built before the clock starts."""
    event = published(tenant, "raw")
    rendered = render_release(
        ReleaseEmail(
            release_id=event.release_id,
            newsroom_name=event.newsroom_slug,
            title=event.title,
            lead=event.lead,
            url=event.url,
            language=event.language,
        ),
        sender=Sender(address=SENDER, name="Acme News"),
        list_id=f"email <email-{tenant}.acme.example>",
        now=datetime.now(UTC),
    )
    token = "x" * 120  # the length of a signed unsubscribe token
    return [
        rendered.message_for(
            Recipient(
                address=subscriber_address(n),
                delivery_id=uuid.uuid4().hex,
                unsubscribe_url=f"https://news.example/v1/unsubscribe/{token}",
                unsubscribe_mailto=f"mailto:{SENDER}?subject=unsubscribe%20{token}",
            )
        )
        for n in range(count)
    ]


async def raw_email_round(sink: SmtpSink, messages: Iterable[EmailMessage], count: int) -> float:
    """Plain aiosmtplib: POOL connections, each sending from a shared iterator."""
    clients = [
        aiosmtplib.SMTP(hostname=sink.host, port=sink.port, local_hostname=LOCAL_HOSTNAME)
        for _ in range(POOL)
    ]
    await asyncio.gather(*(client.connect() for client in clients))
    source = iter(messages)

    async def worker(client: aiosmtplib.SMTP) -> None:
        for message in source:
            await client.send_message(message)

    base = sink.accepted
    try:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for client in clients))
        elapsed = time.perf_counter() - started
    finally:
        await asyncio.gather(*(client.quit() for client in clients))
    assert sink.accepted - base == count
    return elapsed


async def social_round(h: Harness, tenant: str, release_id: str) -> float:
    before = posts_created(h.fakes)
    [seconds] = await publish_and_time(
        h,
        published(tenant, release_id),
        lambda: all(posts_created(h.fakes)[k] > before[k] for k in before),
    )
    await settled(h, tenant, release_id, len(before))
    return seconds


async def idle_commands_per_s(h: Harness) -> dict[str, float]:
    """The service's database commands per second while it has nothing to do (``IDLE_S``), in
    total and by name and collection."""
    h.commands.reset()
    started = time.perf_counter()
    await asyncio.sleep(IDLE_S)
    seconds = time.perf_counter() - started
    return {"total": sum(h.commands.counts.values()) / seconds} | {
        key: count / seconds for key, count in h.commands.by_collection.most_common()
    }


async def db_share(mongo_uri: str, count: int) -> float:
    """The service's database work for ``count`` emails alone (see email_db_share.py), in a
    database of its own on the same server."""
    client = make_client(mongo_uri)
    name = f"bench_db_share_{uuid.uuid4().hex[:8]}"
    try:
        return await db_share_round(client, client[name], count)
    finally:
        await drop_test_database(client, name)
        await client.close()


async def run(bootstrap: str, mongo_uri: str, events: int, rounds: int) -> dict[str, Any]:
    """``events``: subscribers (the issue's P2: 10,000)."""
    report: dict[str, Any] = {
        "benchmark": "P2 email fan-out end to end, and publication to the last social post",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "recipients": events,
        "pool_connections": POOL,
        "system": "the distribution app in this process (consumer, worker, relay), defaults",
        "rounds": [],
    }
    async with harness(bootstrap, mongo_uri) as h:
        # Tenants of this run only: the consumer reads the topic from its start, and releases
        # of earlier runs (same release ids) must not plan anything here.
        run_id = uuid.uuid4().hex[:8]
        email_tenant, social_tenant = f"bench-email-{run_id}", f"bench-social-{run_id}"
        await add_channels(
            h, email_tenant, {"email": EmailConfig(sender=SENDER, sender_name="Acme News")}
        )
        await add_subscribers(h, email_tenant, events)
        await add_channels(h, social_tenant, network_channels(h.fakes))
        # Warm-up (not reported): the consumer joins its group and reads what the topic holds.
        await social_round(h, social_tenant, "warm-up")
        for number in range(rounds):
            raw_s = await raw_email_round(h.sink, raw_messages(events, email_tenant), events)
            # The raw loop's messages (EmailMessage trees of hundreds of objects each) are gone
            # before the system's round, and so is their garbage: kept alive, their millions of
            # objects made each full garbage collection of the shared process stop it for 2-4 s
            # (measured with gc.callbacks: 4.1 s once, at the start of a system round).
            gc.collect()
            h.commands.reset()
            first_s, system_s, recorded_s = await system_email_round(
                h, email_tenant, events, f"r{number}"
            )
            per_email = h.commands.per(events)
            per_email_by_collection = h.commands.per_collection(events)
            idle_per_s = await idle_commands_per_s(h)
            fan_out_path = per_email["total"] - idle_per_s["total"] * recorded_s / events
            social_s = await social_round(h, social_tenant, f"s{number}")
            db_share_s = await db_share(mongo_uri, events)
            report["rounds"].append(
                {
                    "raw_emails_per_s": events / raw_s,
                    "system_emails_per_s": events / system_s,
                    "ratio_system_to_raw": raw_s / system_s,
                    "system_seconds": system_s,
                    "system_first_email_s": first_s,
                    "system_all_recorded_s": recorded_s,
                    "publication_to_last_social_post_s": social_s,
                    "db_share_emails_per_s": events / db_share_s,
                    "ratio_db_share_to_raw": raw_s / db_share_s,
                    "db_commands_per_email": per_email["total"],
                    "db_commands_per_email_by_name": per_email,
                    "db_commands_per_email_by_collection": per_email_by_collection,
                    "db_idle_commands_per_s": idle_per_s["total"],
                    "db_idle_commands_per_s_by_collection": idle_per_s,
                    "db_commands_per_email_net_of_idle": fan_out_path,
                }
            )
            print(report["rounds"][-1], file=sys.stderr, flush=True)
    for key, value in report["rounds"][0].items():
        if isinstance(value, float | int):
            report[f"median_{key}"] = statistics.median(r[key] for r in report["rounds"])
    return report
