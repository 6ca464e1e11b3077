"""Wiring: settings and runtime in, the distribution service's dependencies out.

The real adapters behind the service layer's ports (:mod:`distribution.service.ports`) are
chosen here: MongoDB repositories in a unit of work, the SMTP sender, the network adapters, the
webhook sender and the token signer. Tests swap the clock here; everything else receives what
this builds.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx
from pymongo.asynchronous.client_session import AsyncClientSession

from distribution.adapters.crypto import CredentialCipher, new_key
from distribution.adapters.mongo.unit_of_work import MongoUnitOfWork
from distribution.adapters.networks import (
    BlueskyAdapter,
    FacebookAdapter,
    LinkedInAdapter,
    MastodonAdapter,
    XAdapter,
)
from distribution.adapters.signing import SubscriberTokens
from distribution.adapters.smtp import SmtpConfig, SmtpSender
from distribution.adapters.webhooks import WebhookSender
from distribution.config import DistributionSettings
from distribution.service.dispatch import Senders
from distribution.service.handoff import Handoff
from distribution.service.ports import SocialNetwork, UnitOfWork
from newsroom_shared.auth import KeyFollower
from newsroom_shared.background import Doorbell
from newsroom_shared.clock import Clock, SystemClock
from newsroom_shared.config import key_list
from newsroom_shared.mongo import in_transaction
from newsroom_shared.outbound_urls import GuardedUnlessAllowed
from newsroom_shared.runtime import ServiceRuntime

T = TypeVar("T")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Distribution:
    """The wired service: what consumers and the worker work with."""

    settings: DistributionSettings
    runtime: ServiceRuntime
    cipher: CredentialCipher
    senders: Senders
    smtp: SmtpSender
    """The email sender in ``senders``, whose connection pool starts and stops with the app."""
    tokens: SubscriberTokens
    """The token signer in ``senders``, which also verifies the links that come back."""
    http: httpx.AsyncClient
    digest_key: bytes
    clock: Clock
    keys: KeyFollower
    doorbell: Doorbell
    """Rung once a consumer committed due deliveries: wakes this process's delivery worker."""
    handoff: Handoff
    """Deliveries the release consumer here planned claimed for this process's worker."""
    mail_bell: Doorbell
    """Rung once a subscription committed a confirmation email: wakes this process's mailer."""

    def joined(self, session: AsyncClientSession) -> MongoUnitOfWork:
        """A unit of work inside someone else's transaction (a consumer's inbox transaction)."""
        return self._unit_of_work(session=session)

    def reader(self) -> MongoUnitOfWork:
        """A unit of work outside any transaction, so without events: reads, and writes each
        atomic on its own (the worker's claims)."""
        return self._unit_of_work(transactional=False)

    def _unit_of_work(
        self, *, transactional: bool = True, session: AsyncClientSession | None = None
    ) -> MongoUnitOfWork:
        runtime = self.runtime
        return MongoUnitOfWork(
            runtime.mongo,
            runtime.db,
            runtime.outbox,
            runtime.envelope,
            self.cipher,
            transactional=transactional,
            session=session,
        )

    async def transact(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """``work`` in one transaction with its events in the outbox; run again on a conflict."""

        async def run(session: AsyncClientSession) -> T:
            uow = self.joined(session)
            result = await work(uow)
            await uow.flush()
            return result

        return await in_transaction(self.runtime.mongo, run)

    async def start(self) -> None:
        await self.smtp.start()

    async def stop(self) -> None:
        await self.smtp.stop()
        await self.http.aclose()


def _keys(settings: DistributionSettings, name: str, make: Callable[[], str]) -> list[str]:
    keys = key_list(getattr(settings, name))
    if keys:
        return keys
    logger.warning(
        "DISTRIBUTION_%s is not set: a random key is used and dies with this process "
        "(development only)",
        name.upper(),
    )
    return [make()]


def _smtp(settings: DistributionSettings) -> SmtpConfig:
    password = settings.smtp_password
    return SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=password.get_secret_value() if password else None,
        start_tls=settings.smtp_start_tls,
        timeout_s=settings.smtp_timeout_s,
        local_hostname=settings.smtp_local_hostname,
        pool_size=settings.smtp_pool_size,
        rate_per_s=settings.smtp_rate_per_s,
    )


def _networks(
    settings: DistributionSettings, http: httpx.AsyncClient, timeout: httpx.Timeout
) -> dict[str, SocialNetwork]:
    return {
        "mastodon": MastodonAdapter(http, timeout),
        "bluesky": BlueskyAdapter(http, timeout),
        "x": XAdapter(http, timeout, base_url=settings.x_api_url),
        "linkedin": LinkedInAdapter(http, timeout, base_url=settings.linkedin_api_url),
        "facebook": FacebookAdapter(http, timeout, base_url=settings.facebook_api_url),
    }


def clock_or_system(clock: Clock | None) -> Clock:
    return SystemClock() if clock is None else clock


def bootstrap(
    settings: DistributionSettings, runtime: ServiceRuntime, clock: Clock | None = None
) -> Distribution:
    clock = clock_or_system(clock)
    timeout = httpx.Timeout(settings.http_timeout_s, connect=min(5.0, settings.http_timeout_s))
    # Every call goes to URLs a tenant typed in or to the networks' APIs: connections only to
    # public addresses, checked at connect time (no DNS rebinding past the URL checks), unless
    # the channel's configuration allows internal ones (tests, local development).
    http = httpx.AsyncClient(timeout=timeout, transport=GuardedUnlessAllowed())
    token_keys = _keys(settings, "subscriber_token_keys", new_key)
    smtp = SmtpSender(_smtp(settings))
    tokens = SubscriberTokens(token_keys, clock=lambda: clock.now().timestamp())
    senders = Senders(
        networks=_networks(settings, http, timeout),
        webhooks=WebhookSender(http, timeout, clock=clock.now),
        smtp=smtp,
        tokens=tokens,
        public_base_url=settings.public_base_url.rstrip("/"),
        alert_sender=settings.alert_sender,
    )
    return Distribution(
        settings=settings,
        runtime=runtime,
        cipher=CredentialCipher(_keys(settings, "credentials_keys", new_key)),
        senders=senders,
        smtp=smtp,
        tokens=tokens,
        http=http,
        digest_key=_keys(settings, "recipient_digest_key", new_key)[0].encode(),
        clock=clock,
        keys=KeyFollower(runtime.db, settings),
        doorbell=Doorbell(),
        handoff=Handoff(),
        mail_bell=Doorbell(),
    )
