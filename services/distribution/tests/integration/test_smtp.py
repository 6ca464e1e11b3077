"""The SMTP sender against a real SMTP server (aiosmtpd on loopback): delivery, the replies'
meaning, reconnection, and the rate limit under a fake clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest
from fakes.smtp_sink import SmtpSink

from distribution.adapters.smtp import SmtpConfig, SmtpSender
from distribution.domain.email import (
    Recipient,
    ReleaseEmail,
    RenderedRelease,
    Sender,
    render_release,
)
from distribution.domain.outcomes import PermanentFailure, Success, TransientFailure
from newsroom_shared.token_bucket import PacedBucket
from newsroom_testing.consumer import eventually

SENDER = Sender(address="news@acme.example", name="Acme News")


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


def config_for(sink: SmtpSink, **changes: object) -> SmtpConfig:
    fields: dict[str, object] = {
        "host": sink.host,
        "port": sink.port,
        "timeout_s": 5.0,
        "local_hostname": "sender.test",
        **changes,
    }
    return SmtpConfig(**fields)  # type: ignore[arg-type]


@pytest.fixture
async def sender(sink: SmtpSink) -> AsyncIterator[SmtpSender]:
    async with SmtpSender(config_for(sink)) as sender:
        yield sender


@pytest.fixture(scope="module")
def rendered() -> RenderedRelease:
    release = ReleaseEmail(
        release_id="r1",
        newsroom_name="Acme",
        title="Acme ships the Über-Widget",
        lead="Größer, schneller, günstiger.",
        url="https://news.example/acme/launch",
        language="de",
    )
    return render_release(
        release,
        sender=SENDER,
        list_id="Acme <n1.t1.lists.acme.example>",
        now=datetime(2030, 1, 1, tzinfo=UTC),
    )


def recipient(n: int) -> Recipient:
    return Recipient(
        address=f"reader{n}@example.com",
        delivery_id=f"d{n}",
        unsubscribe_url=f"https://news.example/u/tok{n}",
        unsubscribe_mailto=f"mailto:unsubscribe@acme.example?subject=tok{n}",
    )


def message(rendered: RenderedRelease, n: int = 1) -> EmailMessage:
    return rendered.message_for(recipient(n))


async def test_fifty_recipients_get_one_message_each(sink, sender, rendered):
    messages = [message(rendered, n) for n in range(50)]

    outcomes = [outcome async for _, outcome in sender.send_many(messages)]

    assert all(isinstance(outcome, Success) for outcome in outcomes)
    remote_ids = sorted(str(o.remote_id) for o in outcomes if isinstance(o, Success))
    assert remote_ids == sorted(m["Message-ID"] for m in messages)
    assert len(sink.received) == 50
    for n in range(50):
        (mail,) = sink.received_by(f"reader{n}@example.com")
        assert mail.rcpt_tos == (f"reader{n}@example.com",)
        assert mail.mail_from == SENDER.address
        got = mail.message
        assert got["To"] == f"reader{n}@example.com"
        assert got["Message-ID"] == f"<d{n}@acme.example>"
        assert got.get_content_type() == "multipart/alternative"
        kinds = [part.get_content_type() for part in got.iter_parts()]
        assert kinds == ["text/plain", "text/html"]
        assert f"<https://news.example/u/tok{n}>" in got["List-Unsubscribe"]
        assert got["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        text = got.get_body(preferencelist=("plain",))
        assert text is not None
        assert "Größer" in text.get_content()
        assert f"https://news.example/u/tok{n}" in text.get_content()


async def test_send_many_yields_each_message_with_its_outcome(sink, sender, rendered):
    sink.reject_recipient("reader3@example.com")
    messages = [message(rendered, n) for n in range(6)]

    results = {m["To"]: outcome async for m, outcome in sender.send_many(messages, 3)}

    assert isinstance(results.pop("reader3@example.com"), PermanentFailure)
    assert all(isinstance(outcome, Success) for outcome in results.values())
    assert len(sink.received) == 5


async def test_a_451_is_transient_and_the_session_carries_on(sink, sender, rendered):
    sink.reject_next(1, code=451)

    refused = await sender.send(message(rendered, 1))
    accepted = await sender.send(message(rendered, 2))

    assert isinstance(refused, TransientFailure)
    assert refused.reason.startswith("SMTP 451")
    assert accepted == Success(remote_id="<d2@acme.example>")
    assert [mail.rcpt_tos for mail in sink.received] == [("reader2@example.com",)]


async def test_a_550_at_data_is_permanent(sink, sender, rendered):
    sink.reject_next(1, code=550)

    outcome = await sender.send(message(rendered))

    assert isinstance(outcome, PermanentFailure)
    assert outcome.reason.startswith("SMTP 550")
    assert sink.received == []


async def test_a_refused_recipient_is_permanent_for_that_recipient_only(sink, sender, rendered):
    sink.reject_recipient("reader1@example.com")

    refused = await sender.send(message(rendered, 1))
    accepted = await sender.send(message(rendered, 2))

    assert isinstance(refused, PermanentFailure)
    assert refused.reason.startswith("SMTP 550")
    assert isinstance(accepted, Success)
    assert [mail.rcpt_tos for mail in sink.received] == [("reader2@example.com",)]


async def test_a_connection_dropped_mid_message_is_transient_then_replaced(sink, rendered):
    # One connection, so the second message must go over the replacement.
    async with SmtpSender(config_for(sink, pool_size=1)) as sender:
        sink.drop_next(1)

        dropped = await sender.send(message(rendered, 1))
        accepted = await sender.send(message(rendered, 2))

    assert isinstance(dropped, TransientFailure)
    assert dropped.reason.startswith("connection failed")
    assert accepted == Success(remote_id="<d2@acme.example>")
    assert [mail.rcpt_tos for mail in sink.received] == [("reader2@example.com",)]


async def test_connections_closed_while_idle_are_reopened(sink, rendered):
    async with SmtpSender(config_for(sink, pool_size=2)) as sender:
        await eventually(lambda: sink.open_connections == 2)
        sink.drop_connections()
        await eventually(lambda: sink.open_connections == 0)

        outcomes = [await sender.send(message(rendered, n)) for n in range(3)]

    assert all(isinstance(outcome, Success) for outcome in outcomes)
    assert len(sink.received) == 3


async def test_no_server_is_a_transient_failure(rendered):
    probe = SmtpSink()  # a free port with nothing listening on it
    async with SmtpSender(config_for(probe, timeout_s=1.0)) as sender:
        outcome = await sender.send(message(rendered))

    assert isinstance(outcome, TransientFailure)
    assert outcome.reason.startswith("connection failed")


async def test_a_message_for_several_recipients_is_refused_before_sending(sink, sender, rendered):
    several = message(rendered)
    several["Cc"] = "someone@example.com"

    outcome = await sender.send(several)

    assert isinstance(outcome, PermanentFailure)
    assert "one recipient per message" in outcome.reason
    assert sink.received == []


async def test_stop_closes_the_sessions_and_refuses_more(sink, rendered):
    sender = SmtpSender(config_for(sink))
    await sender.start()
    await eventually(lambda: sink.open_connections == 4)

    await sender.stop()

    await eventually(lambda: sink.open_connections == 0)
    with pytest.raises(RuntimeError):
        await sender.send(message(rendered))


class FakeClock:
    """Time moves only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


class RecordingBucket(PacedBucket):
    def __init__(self, clock: FakeClock, rate_per_s: float, burst: int) -> None:
        super().__init__(rate_per_s, burst, clock=clock, sleep=clock.sleep)
        self.clock = clock
        self.grants: list[float] = []

    async def acquire(self) -> None:
        await super().acquire()
        self.grants.append(self.clock.now)


async def test_the_rate_limit_holds_across_the_pool(sink, rendered):
    rate, burst, count = 10.0, 5, 45
    bucket = RecordingBucket(FakeClock(), rate, burst)
    messages = [message(rendered, n) for n in range(count)]

    async with SmtpSender(config_for(sink), bucket=bucket) as sender:
        outcomes = [outcome async for _, outcome in sender.send_many(messages, concurrency=8)]

    assert all(isinstance(outcome, Success) for outcome in outcomes)
    assert len(sink.received) == count
    grants = [t - 1000.0 for t in bucket.grants]
    assert grants == sorted(grants)
    # Token bucket: the k-th grant (from 0) comes no sooner than (k + 1 - burst) / rate ...
    for k, at in enumerate(grants):
        assert at >= (k + 1 - burst) / rate - 1e-9
    # ... so no one-second window holds more than burst + rate grants,
    for start in grants:
        assert sum(start <= at < start + 1 for at in grants) <= burst + rate
    # and after the burst, every whole second of fake time carries at most `rate` of them.
    for second in range(1, int(grants[-1]) + 1):
        assert sum(second <= at < second + 1 for at in grants) <= rate
    # The bucket was the limit, not the server: it ran at the rate.
    assert grants[-1] == pytest.approx((count - burst) / rate)
