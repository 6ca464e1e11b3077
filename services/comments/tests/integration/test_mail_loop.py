"""The commenters' mails on the wire: the SMTP sender against a real SMTP server (aiosmtpd on
loopback), and the mail queue in the local database: each mail sent once when two loops run,
a crashed sender's claim taken over after its lease, temporary refusals tried again."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from comments.adapters.mongo.indexes import ensure_indexes
from comments.adapters.mongo.mails import MongoMailOutbox, MongoMailQueue
from comments.adapters.smtp import SmtpConfig, SmtpMailSender
from comments.domain.mail import Mail, MailKind, Rendered, RetryPolicy, SendError
from comments.service.mailing import Mailer
from newsroom_shared.mongo import Database
from newsroom_testing.clock import FakeClock
from newsroom_testing.smtp_sink import SmtpSink, free_port

POLICY = RetryPolicy(
    lease=timedelta(minutes=2),
    max_attempts=3,
    first_retry=timedelta(seconds=30),
    max_retry=timedelta(minutes=5),
)
SENDER = "Acme comments <comments@acme.example>"


def a_mail(mail_id: str, at: datetime, recipient: str = "jane@example.com") -> Mail:
    return Mail(
        id=mail_id,
        tenant_id="t1",
        comment_id=f"comment-{mail_id}",
        kind=MailKind.author_link,
        recipient=recipient,
        content=Rendered("Your comment", "Hello\nthe link", "<p>Hello</p>"),
        created_at=at,
    )


def sender_for(sink: SmtpSink, **changes: Any) -> SmtpMailSender:
    return SmtpMailSender(
        SmtpConfig(host=sink.host, port=sink.port, sender=SENDER, timeout_s=10, **changes)
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
async def queued(database: Database) -> Database:
    await ensure_indexes(database)
    return database


async def queue_mails(db: Database, clock: FakeClock, count: int) -> list[str]:
    outbox = MongoMailOutbox(db)
    ids = [f"m{n}" for n in range(count)]
    for mail_id in ids:
        await outbox.add(a_mail(mail_id, clock.now(), recipient=f"{mail_id}@example.com"))
    return ids


async def test_the_sender_hands_over_text_and_html_under_the_mails_own_id(
    smtp_sink: SmtpSink,
) -> None:
    await sender_for(smtp_sink).send(a_mail("m1", datetime.now(UTC)))
    [received] = smtp_sink.received
    message = received.message
    assert received.rcpt_tos == ("jane@example.com",)
    assert (message["To"], message["Subject"]) == ("jane@example.com", "Your comment")
    assert message["Message-ID"] == "<m1@acme.example>"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None
    assert "the link" in text.get_content()
    assert html is not None
    assert "<p>Hello</p>" in html.get_content()


async def test_the_servers_answer_says_whether_to_try_again(smtp_sink: SmtpSink) -> None:
    sender = sender_for(smtp_sink)
    smtp_sink.reject_next(1, code=451)
    with pytest.raises(SendError) as temporary:
        await sender.send(a_mail("m1", datetime.now(UTC)))
    smtp_sink.reject_recipient("gone@example.com")
    with pytest.raises(SendError) as permanent:
        await sender.send(a_mail("m2", datetime.now(UTC), recipient="gone@example.com"))
    nobody = SmtpMailSender(SmtpConfig(host=smtp_sink.host, port=free_port(), sender=SENDER))
    with pytest.raises(SendError) as unreachable:
        await nobody.send(a_mail("m3", datetime.now(UTC)))
    assert (temporary.value.permanent, permanent.value.permanent) == (False, True)
    assert unreachable.value.permanent is False


async def test_two_loops_send_each_mail_once(
    queued: Database, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    ids = await queue_mails(queued, clock, 12)
    loops = [
        Mailer(MongoMailQueue(queued), sender_for(smtp_sink), clock, POLICY, batch=3)
        for _ in range(2)
    ]

    async def drain(mailer: Mailer) -> int:
        total = 0
        while handled := await mailer.send_due():
            total += handled
        return total

    handled = await asyncio.gather(*(drain(mailer) for mailer in loops))
    received = sorted(r for mail in smtp_sink.received for r in mail.rcpt_tos)
    assert received == sorted(f"{mail_id}@example.com" for mail_id in ids)
    assert sum(handled) == len(ids)
    assert await queued["mail_outbox"].count_documents({}) == 0  # the addresses are gone


async def test_a_crashed_senders_claim_is_taken_over_after_its_lease(
    queued: Database, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    await queue_mails(queued, clock, 1)
    crashed = MongoMailQueue(queued)
    [claimed] = await crashed.claim_due(clock.now(), clock.now() + POLICY.lease, 10)
    survivor = Mailer(MongoMailQueue(queued), sender_for(smtp_sink), clock, POLICY)
    assert await survivor.send_due() == 0  # the claim still holds
    clock.advance(POLICY.lease)
    assert await survivor.send_due() == 1
    await crashed.sent(claimed)  # the crashed one's late word changes nothing: not its claim now
    assert [mail.rcpt_tos for mail in smtp_sink.received] == [("m0@example.com",)]
    assert await queued["mail_outbox"].count_documents({}) == 0


async def test_a_temporary_refusal_is_tried_again_after_the_backoff(
    queued: Database, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    await queue_mails(queued, clock, 1)
    mailer = Mailer(MongoMailQueue(queued), sender_for(smtp_sink), clock, POLICY)
    smtp_sink.reject_next(1, code=451)
    assert await mailer.send_due() == 1
    waiting = await queued["mail_outbox"].find_one({"_id": "m0"})
    assert waiting is not None
    assert waiting["attempts"] == 1
    assert await mailer.send_due() == 0  # not due yet
    clock.advance(POLICY.first_retry)
    assert await mailer.send_due() == 1
    assert len(smtp_sink.received) == 1
    assert await queued["mail_outbox"].count_documents({}) == 0
