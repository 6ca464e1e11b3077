"""Benchmark P2 (partial): release emails per second, our SMTP sender against a raw loop.

System (so far): ``SmtpSender.send_many`` (4 pooled sessions) with each recipient's message
stamped by ``RenderedRelease.message_for`` from one rendering of the release. The service's full
path (the ReleasePublished consumer, delivery records in MongoDB) is not built yet, so this
measures the sending adapter only.

Baseline, same run, same SMTP server: a plain aiosmtplib loop over 4 connections calling
``send_message``, with the messages either built per recipient with the stdlib while sending, as a
naive sender would, or all built before the clock starts (the SMTP cost alone). Our sender is
also timed on prebuilt messages, for the adapter's own overhead.

The server is aiosmtpd's discarding ``Sink`` in its own process, so its CPU does not compete
with the sender's for one interpreter. Rounds alternate the variants so drift on this noisy
machine hits all of them alike; the report gives each round and the median ratios.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.policy
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formataddr
from typing import Any

import aiosmtplib
from aiosmtplib.email import flatten_message

from distribution.adapters.smtp import SmtpConfig, SmtpSender
from distribution.domain.email import Recipient, ReleaseEmail, RenderedRelease, Sender
from distribution.domain.email import render_release as render
from distribution.domain.email.message import UNSUBSCRIBE_PLACEHOLDER
from distribution.domain.outcomes import Success

POOL = 4
HOST = "127.0.0.1"
LOCAL_HOSTNAME = "bench.local"  # the same EHLO name for both sides, and no DNS lookup
SENDER = Sender(address="news@acme.example", name="Acme News", reply_to="press@acme.example")


def rendered_release() -> RenderedRelease:
    release = ReleaseEmail(
        release_id="bench-release",
        newsroom_name="Acme",
        title="Acme opens its third plant and hires 400 people",
        lead="The new plant in Lyon doubles the output of widgets. " * 8,
        url="https://news.example/acme/third-plant",
        language="en",
        image_url="https://cdn.example/plant.jpg",
    )
    return render(
        release, sender=SENDER, list_id="Acme <n1.t1.lists.acme.example>", now=datetime.now(UTC)
    )


def recipients(count: int) -> list[Recipient]:
    return [
        Recipient(
            address=f"reader{n}@example.com",
            delivery_id=f"bench-{n}",
            unsubscribe_url=f"https://news.example/u/token-{n:08d}",
            unsubscribe_mailto=f"mailto:unsubscribe@acme.example?subject=token-{n:08d}",
        )
        for n in range(count)
    ]


def naive_message(rendered: RenderedRelease, recipient: Recipient) -> EmailMessage:
    """What a sender without our domain would do: build the whole message with the stdlib."""
    message = EmailMessage()
    message["Message-ID"] = f"<{recipient.delivery_id}@acme.example>"
    message["Date"] = rendered.date
    message["From"] = formataddr((rendered.sender_name, rendered.sender))
    message["To"] = recipient.address
    message["Subject"] = rendered.subject
    message["List-Unsubscribe"] = f"<{recipient.unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(rendered.text.replace(UNSUBSCRIBE_PLACEHOLDER, recipient.unsubscribe_url))
    message.add_alternative(
        rendered.html.replace(UNSUBSCRIBE_PLACEHOLDER, recipient.unsubscribe_url),
        subtype="html",
    )
    return message


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def smtp_sink_process() -> Iterator[int]:
    """aiosmtpd's discarding sink in a child process; yields its port once it accepts."""
    port = free_port()
    command = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"{HOST}:{port}"]
    process = subprocess.Popen([*command, "-c", "aiosmtpd.handlers.Sink"])
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection((HOST, port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the aiosmtpd sink did not start") from None
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


async def raw_round(port: int, messages: Iterable[EmailMessage], count: int) -> dict[str, float]:
    """Plain aiosmtplib: POOL connections, each sending from a shared iterator."""
    clients = [
        aiosmtplib.SMTP(hostname=HOST, port=port, local_hostname=LOCAL_HOSTNAME)
        for _ in range(POOL)
    ]
    await asyncio.gather(*(client.connect() for client in clients))
    source = iter(messages)

    async def worker(client: aiosmtplib.SMTP) -> None:
        for message in source:
            await client.send_message(message)

    try:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for client in clients))
        elapsed = time.perf_counter() - started
    finally:
        await asyncio.gather(*(client.quit() for client in clients))
    return {"seconds": elapsed, "emails_per_s": count / elapsed}


async def system_round(port: int, messages: Iterable[EmailMessage], count: int) -> dict[str, float]:
    config = SmtpConfig(host=HOST, port=port, pool_size=POOL, local_hostname=LOCAL_HOSTNAME)
    async with SmtpSender(config) as sender:
        started = time.perf_counter()
        sent = 0
        async for _, outcome in sender.send_many(messages):
            sent += 1
            if not isinstance(outcome, Success):
                raise RuntimeError(f"not sent: {outcome}")
        elapsed = time.perf_counter() - started
    assert sent == count
    return {"seconds": elapsed, "emails_per_s": count / elapsed}


def per_second(action: Callable[[Any], object], items: list[Any]) -> float:
    started = time.perf_counter()
    for item in items:
        action(item)
    return len(items) / (time.perf_counter() - started)


def cpu_costs(rendered: RenderedRelease, people: list[Recipient]) -> dict[str, float]:
    """The sender's CPU work alone, per second: building, and the two ways to serialise."""
    sample = people[: min(len(people), 2000)]
    built = [rendered.message_for(person) for person in sample]
    smtp_policy = email.policy.SMTP
    return {
        "message_for_per_s": per_second(rendered.message_for, sample),
        "naive_build_per_s": per_second(lambda p: naive_message(rendered, p), sample),
        # What our sender does (aiosmtplib's own flattening: a shallow copy, Bcc removed) ...
        "flatten_message_per_s": per_second(flatten_message, built),
        # ... against EmailMessage.as_bytes with the SMTP policy.
        "as_bytes_smtp_policy_per_s": per_second(lambda m: m.as_bytes(policy=smtp_policy), built),
    }


VARIANTS = ("raw_naive_build", "raw_prebuilt", "system", "system_prebuilt")


async def one_round(
    port: int, rendered: RenderedRelease, people: list[Recipient]
) -> dict[str, Any]:
    count = len(people)
    result: dict[str, Any] = {}
    result["raw_naive_build"] = await raw_round(
        port, (naive_message(rendered, p) for p in people), count
    )
    prebuilt = [naive_message(rendered, p) for p in people]
    result["raw_prebuilt"] = await raw_round(port, prebuilt, count)
    result["system"] = await system_round(port, (rendered.message_for(p) for p in people), count)
    prebuilt = [rendered.message_for(p) for p in people]
    result["system_prebuilt"] = await system_round(port, prebuilt, count)
    result["ratio_system_to_raw_naive"] = (
        result["system"]["emails_per_s"] / result["raw_naive_build"]["emails_per_s"]
    )
    result["ratio_system_prebuilt_to_raw_prebuilt"] = (
        result["system_prebuilt"]["emails_per_s"] / result["raw_prebuilt"]["emails_per_s"]
    )
    return result


async def run(bootstrap: str, mongo_uri: str, events: int, rounds: int) -> dict[str, Any]:
    """``events`` is the number of recipients (default run: 10,000); Kafka and MongoDB are not
    used yet (their arguments keep the bench registry's signature)."""
    rendered = rendered_release()
    people = recipients(events)
    report: dict[str, Any] = {
        "benchmark": "P2 email fan-out (partial: SMTP sending adapter only)",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "recipients": events,
        "pool_connections": POOL,
        "not_measured_yet": (
            "the service's full path: ReleasePublished consumer, delivery records and their "
            "outcomes in MongoDB; this run measures message building and SMTP sending"
        ),
        "rounds": [],
    }
    with smtp_sink_process() as port:
        await one_round(port, rendered, people[: min(200, events)])  # warm-up
        for _ in range(rounds):
            report["rounds"].append(await one_round(port, rendered, people))
    for variant in VARIANTS:
        report[f"median_{variant}_emails_per_s"] = statistics.median(
            r[variant]["emails_per_s"] for r in report["rounds"]
        )
    for ratio in ("ratio_system_to_raw_naive", "ratio_system_prebuilt_to_raw_prebuilt"):
        report[f"median_{ratio}"] = statistics.median(r[ratio] for r in report["rounds"])
    report["cpu_alone"] = cpu_costs(rendered, people)
    return report
