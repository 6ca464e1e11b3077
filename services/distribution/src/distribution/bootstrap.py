"""Wiring: settings and runtime in, the distribution service's dependencies out.

Tests swap the clock here; everything else receives what this builds.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
from pymongo.asynchronous.client_session import AsyncClientSession

from distribution.adapters.crypto import CredentialCipher, new_key
from distribution.adapters.mongo.unit_of_work import MongoUnitOfWork
from distribution.adapters.networks import (
    BlueskyAdapter,
    FacebookAdapter,
    LinkedInAdapter,
    MastodonAdapter,
    NetworkAdapter,
    XAdapter,
)
from distribution.adapters.signing import SubscriberTokens
from distribution.adapters.smtp import SmtpConfig, SmtpSender
from distribution.adapters.webhooks import WebhookSender
from distribution.config import DistributionSettings, key_list
from distribution.service.dispatch import Senders
from newsroom_shared.auth import KeyFollower
from newsroom_shared.background import Doorbell
from newsroom_shared.mongo import in_transaction
from newsroom_shared.runtime import ServiceRuntime

Clock = Callable[[], datetime]
T = TypeVar("T")

logger = logging.getLogger(__name__)


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Distribution:
    """The wired service: what consumers and the worker work with."""

    settings: DistributionSettings
    runtime: ServiceRuntime
    cipher: CredentialCipher
    senders: Senders
    http: httpx.AsyncClient
    digest_key: bytes
    clock: Clock
    keys: KeyFollower
    doorbell: Doorbell
    """Rung once a consumer committed due deliveries: wakes this process's delivery worker."""

    def joined(self, session: AsyncClientSession) -> MongoUnitOfWork:
        """A unit of work inside someone else's transaction (a consumer's inbox transaction)."""
        runtime = self.runtime
        return MongoUnitOfWork(runtime.db, runtime.outbox, runtime.envelope, self.cipher, session)

    def reader(self) -> MongoUnitOfWork:
        """A unit of work outside any transaction, so without events: reads, and writes each
        atomic on its own (the worker's claims)."""
        runtime = self.runtime
        return MongoUnitOfWork(runtime.db, runtime.outbox, runtime.envelope, self.cipher)

    async def transact(self, work: Callable[[MongoUnitOfWork], Awaitable[T]]) -> T:
        """``work`` in one transaction with its events in the outbox; run again on a conflict."""

        async def run(session: AsyncClientSession) -> T:
            uow = self.joined(session)
            result = await work(uow)
            await uow.flush()
            return result

        return await in_transaction(self.runtime.mongo, run)

    async def start(self) -> None:
        await self.senders.smtp.start()

    async def stop(self) -> None:
        await self.senders.smtp.stop()
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
) -> dict[str, NetworkAdapter[Any]]:
    return {
        "mastodon": MastodonAdapter(http, timeout),
        "bluesky": BlueskyAdapter(http, timeout),
        "x": XAdapter(http, timeout, base_url=settings.x_api_url),
        "linkedin": LinkedInAdapter(http, timeout, base_url=settings.linkedin_api_url),
        "facebook": FacebookAdapter(http, timeout, base_url=settings.facebook_api_url),
    }


def bootstrap(
    settings: DistributionSettings, runtime: ServiceRuntime, clock: Clock | None = None
) -> Distribution:
    clock = clock or system_clock
    timeout = httpx.Timeout(settings.http_timeout_s, connect=min(5.0, settings.http_timeout_s))
    http = httpx.AsyncClient(timeout=timeout)
    token_keys = _keys(settings, "subscriber_token_keys", new_key)
    senders = Senders(
        networks=_networks(settings, http, timeout),
        webhooks=WebhookSender(http, timeout, clock=clock),
        smtp=SmtpSender(_smtp(settings)),
        tokens=SubscriberTokens(token_keys, clock=lambda: clock().timestamp()),
        public_base_url=settings.public_base_url.rstrip("/"),
    )
    return Distribution(
        settings=settings,
        runtime=runtime,
        cipher=CredentialCipher(_keys(settings, "credentials_keys", new_key)),
        senders=senders,
        http=http,
        digest_key=_keys(settings, "recipient_digest_key", new_key)[0].encode(),
        clock=clock,
        keys=KeyFollower(runtime.db, settings),
        doorbell=Doorbell(),
    )
