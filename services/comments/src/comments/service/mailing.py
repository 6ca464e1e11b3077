"""Sending the queued mails: one pass of the mail loop (``newsroom_shared.background``).

A pass claims the due mails for a lease (another replica's pass skips them until it ends),
sends each, and then forgets it (the address goes with it). A refusal the server calls
temporary, or a lost connection, schedules the mail again later, further apart each time; a
permanent refusal or the last attempt gives it up. A sender that dies mid-pass leaves its
claims to expire, and the mails are sent by whoever claims them next: a crash after the server
took a mail and before it was forgotten sends that one mail twice (at least once, never lost).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from comments.domain.mail import Attempt, RetryPolicy, SendError
from comments.service.ports import MailQueue, MailSender
from newsroom_shared.clock import Clock

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Mailer:
    queue: MailQueue
    sender: MailSender
    clock: Clock
    policy: RetryPolicy
    batch: int = 20

    async def send_due(self) -> int:
        """One pass: the number of mails this pass tried."""
        now = self.clock.now()
        attempts = await self.queue.claim_due(now, now + self.policy.lease, self.batch)
        for attempt in attempts:
            await self._send(attempt)
        return len(attempts)

    async def _send(self, attempt: Attempt) -> None:
        try:
            await self.sender.send(attempt.mail)
        except SendError as error:
            await self._failed(attempt, error)
            return
        await self.queue.sent(attempt)

    async def _failed(self, attempt: Attempt, error: SendError) -> None:
        made = attempt.attempts + 1
        retry = None if error.permanent else self.policy.next_try(made, self.clock.now())
        mail = attempt.mail
        if retry is None:
            logger.warning(
                "mail %s (%s, comment %s) given up after %d attempt(s): %s",
                mail.id, mail.kind.value, mail.comment_id, made, error,
            )  # fmt: skip
            await self.queue.give_up(attempt, str(error))
        else:
            await self.queue.retry_at(attempt, retry, str(error))
