"""Wiring: settings and runtime in, the comments service's dependencies out.

The real adapters behind the service layer's ports (:mod:`comments.service.ports`) are chosen
here: MongoDB repositories in a unit of work, the token signer, the shared rate limits, the
staff key replica. Tests swap the clock here; everything else receives what this builds.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

from pymongo.asynchronous.client_session import AsyncClientSession

from comments.adapters.mongo.mails import MongoMailQueue
from comments.adapters.mongo.unit_of_work import MongoUnitOfWork
from comments.adapters.rate_limits import SharedEmailRateLimit
from comments.adapters.read_cache import ReadCaches
from comments.adapters.smtp import SmtpConfig, SmtpMailSender
from comments.adapters.tokens import VERIFY_SALT, SignedAuthorTokens
from comments.config import CommentsSettings
from comments.domain.mail import RetryPolicy
from comments.service.intake import CommentIntake
from comments.service.mailing import Mailer
from comments.service.ports import Deps, VerificationRules
from newsroom_shared.auth import KeyFollower
from newsroom_shared.background import BackgroundLoop
from newsroom_shared.clock import Clock, SystemClock
from newsroom_shared.config import key_list
from newsroom_shared.page_generations import PageGenerations
from newsroom_shared.page_versions import PagesChanged, page_generations_for
from newsroom_shared.runtime import ServiceRuntime

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Comments:
    """The wired service: what routes and consumers work with."""

    settings: CommentsSettings
    runtime: ServiceRuntime
    deps: Deps
    keys: KeyFollower
    caches: ReadCaches
    """Releases and settings as visitors' requests read them, kept seconds in this process."""
    mail_loop: BackgroundLoop
    """Sends the commenters' queued mails; woken after a command queued one."""
    page_generations: PageGenerations | None = None
    """What this replica knows of each thread's version (None: no cache of public answers)."""

    @cached_property
    def intake(self) -> CommentIntake:
        """Visitors' new comments, accepted by group commit (one per process)."""
        return CommentIntake(
            self.uow,
            self.deps,
            max_batch=self.settings.post_batch_max,
            max_waiting=self.settings.post_queue_max,
        )

    def uow(self) -> MongoUnitOfWork:
        """A unit of work for a command: one transaction, events through the outbox."""
        generations = self.page_generations
        changed = None if generations is None else generations.changed_here
        return self._unit_of_work(pages_changed=changed)

    def reader(self) -> MongoUnitOfWork:
        """A unit of work for queries: no transaction (reads need none, and they are cheaper)."""
        return self._unit_of_work(transactional=False)

    def page_reader(self) -> MongoUnitOfWork:
        """A unit of work for the reads whose answers the page cache keeps (a thread, a count).
        With the cache on it reads releases and settings from the database, not through the
        read cache: a kept answer must be no older than its label (the versions as known
        before its reads), and it is kept until they move. With the cache off, as ``reader``."""
        caches = self.caches if self.page_generations is None else ReadCaches.off()
        return self._unit_of_work(transactional=False, caches=caches)

    def joined(self, session: AsyncClientSession) -> MongoUnitOfWork:
        """A unit of work inside someone else's transaction (a consumer's inbox transaction)."""
        return self._unit_of_work(session=session)

    def _unit_of_work(
        self,
        *,
        transactional: bool = True,
        session: AsyncClientSession | None = None,
        pages_changed: PagesChanged | None = None,
        caches: ReadCaches | None = None,
    ) -> MongoUnitOfWork:
        runtime = self.runtime
        return MongoUnitOfWork(
            runtime.mongo,
            runtime.db,
            runtime.outbox,
            runtime.envelope,
            self.caches if caches is None else caches,
            transactional=transactional,
            session=session,
            pages_changed=pages_changed,
        )


def _keys(settings: CommentsSettings, name: str) -> list[str]:
    keys = key_list(getattr(settings, name))
    if keys:
        return keys
    logger.warning(
        "COMMENTS_%s is not set: a random key is used and dies with this process "
        "(development only)",
        name.upper(),
    )
    return [secrets.token_urlsafe(32)]


def mail_loop(settings: CommentsSettings, runtime: ServiceRuntime, clock: Clock) -> BackgroundLoop:
    password = settings.smtp_password
    sender = SmtpMailSender(
        SmtpConfig(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_from,
            username=settings.smtp_username,
            password=password.get_secret_value() if password else None,
            start_tls=settings.smtp_starttls,
            timeout_s=settings.smtp_timeout_s,
        )
    )
    policy = RetryPolicy(
        lease=timedelta(seconds=settings.mail_lease_s),
        max_attempts=settings.mail_max_attempts,
        first_retry=timedelta(seconds=settings.mail_retry_first_s),
        max_retry=timedelta(seconds=settings.mail_retry_max_s),
    )
    mailer = Mailer(MongoMailQueue(runtime.db), sender, clock, policy)
    return BackgroundLoop(
        "comments-mail", mailer.send_due, interval_s=settings.mail_poll_interval_s
    )


def bootstrap(
    settings: CommentsSettings, runtime: ServiceRuntime, clock: Clock | None = None
) -> Comments:
    clock = clock or SystemClock()
    token_keys = _keys(settings, "author_token_keys")
    deps = Deps(
        clock=clock,
        tokens=SignedAuthorTokens(token_keys, clock=lambda: clock.now().timestamp()),
        digest_key=_keys(settings, "email_hash_key")[0].encode(),
        email_rate=SharedEmailRateLimit(runtime.rate_limits, settings.email_rate_per_minute),
        edit_window_s=settings.edit_window_s,
        public_base_url=settings.public_base_url.rstrip("/"),
        verification=VerificationRules(
            tokens=SignedAuthorTokens(
                token_keys,
                clock=lambda: clock.now().timestamp(),
                salt=VERIFY_SALT,
                expired="this verification link has expired",
            ),
            window_s=settings.verify_window_s,
            remembered_days=settings.verified_author_days,
        ),
    )
    generations = page_generations_for(settings, runtime.db)
    return Comments(
        settings=settings,
        runtime=runtime,
        deps=deps,
        keys=KeyFollower(runtime.db, settings),
        caches=ReadCaches.of(settings.read_cache_ttl_s),
        mail_loop=mail_loop(settings, runtime, clock),
        page_generations=generations,
    )
