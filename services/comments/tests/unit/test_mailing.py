"""The mail loop's pass on fakes: sent mails are forgotten, temporary failures come back later
and further apart, permanent ones and the last attempt give up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from comments.domain.mail import Attempt, Mail, MailKind, Rendered, RetryPolicy, SendError
from comments.service.mailing import Mailer
from newsroom_testing.clock import FakeClock

POLICY = RetryPolicy(
    lease=timedelta(minutes=2),
    max_attempts=3,
    first_retry=timedelta(seconds=30),
    max_retry=timedelta(seconds=45),
)


def a_mail(mail_id: str = "m1") -> Mail:
    return Mail(
        id=mail_id,
        tenant_id="t1",
        comment_id="c1",
        kind=MailKind.author_link,
        recipient="jane@example.com",
        content=Rendered("Subject", "text", "<p>html</p>"),
        created_at=datetime(2030, 1, 1, tzinfo=UTC),
    )


class FakeQueue:
    def __init__(self, *attempts: Attempt) -> None:
        self.waiting = list(attempts)
        self.claims: list[tuple[datetime, datetime]] = []
        self.gone: list[str] = []
        self.retries: list[tuple[str, datetime]] = []

    async def claim_due(self, now: datetime, until: datetime, limit: int) -> list[Attempt]:
        self.claims.append((now, until))
        taken, self.waiting = self.waiting[:limit], self.waiting[limit:]
        return taken

    async def sent(self, attempt: Attempt) -> None:
        self.gone.append(attempt.mail.id)

    async def retry_at(self, attempt: Attempt, at: datetime, error: str) -> None:
        self.retries.append((attempt.mail.id, at))

    async def give_up(self, attempt: Attempt, error: str) -> None:
        self.gone.append(attempt.mail.id)


class FakeSender:
    def __init__(self, error: SendError | None = None) -> None:
        self.error = error
        self.sent: list[Mail] = []

    async def send(self, mail: Mail) -> None:
        if self.error is not None:
            raise self.error
        self.sent.append(mail)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2030, 1, 1, tzinfo=UTC))


async def test_a_sent_mail_is_forgotten_and_the_claim_lasts_the_lease(clock: FakeClock) -> None:
    queue, sender = FakeQueue(Attempt(a_mail(), "claim", 0)), FakeSender()
    assert await Mailer(queue, sender, clock, POLICY).send_due() == 1
    assert [m.id for m in sender.sent] == ["m1"]
    assert queue.gone == ["m1"]
    assert queue.claims == [(clock.now(), clock.now() + POLICY.lease)]
    assert await Mailer(queue, sender, clock, POLICY).send_due() == 0


@pytest.mark.parametrize(
    ("attempts_before", "delay"),
    [(0, timedelta(seconds=30)), (1, timedelta(seconds=45))],  # doubled, then capped
)
async def test_a_temporary_failure_tries_again_later_and_further_apart(
    clock: FakeClock, attempts_before: int, delay: timedelta
) -> None:
    queue = FakeQueue(Attempt(a_mail(), "claim", attempts_before))
    sender = FakeSender(SendError("451 try later", permanent=False))
    await Mailer(queue, sender, clock, POLICY).send_due()
    assert queue.retries == [("m1", clock.now() + delay)]
    assert queue.gone == []


async def test_a_permanent_failure_or_the_last_attempt_gives_the_mail_up(
    clock: FakeClock,
) -> None:
    permanent = FakeQueue(Attempt(a_mail("m1"), "claim", 0))
    await Mailer(
        permanent, FakeSender(SendError("550 no such user", permanent=True)), clock, POLICY
    ).send_due()
    last = FakeQueue(Attempt(a_mail("m2"), "claim", POLICY.max_attempts - 1))
    await Mailer(last, FakeSender(SendError("451", permanent=False)), clock, POLICY).send_due()
    assert (permanent.gone, permanent.retries) == (["m1"], [])
    assert (last.gone, last.retries) == (["m2"], [])
