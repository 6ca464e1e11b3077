"""Wiring: settings and runtime in, the publisher's use-case dependencies out.

Tests swap adapters here (a ``FakeClock``); everything else receives what this builds.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from pymongo.asynchronous.client_session import AsyncClientSession

from newsroom_shared.clock import Clock, SystemClock
from newsroom_shared.config import key_list
from newsroom_shared.page_generations import PageGenerations
from newsroom_shared.page_versions import page_generations_for
from newsroom_shared.runtime import ServiceRuntime
from publisher.adapters.api_key_hashing import Argon2Keys
from publisher.adapters.authenticator import ApiKeyAuthenticator, VerifiedTokens
from publisher.adapters.media_links import SignedMediaLinks
from publisher.adapters.mongo.api_keys import MongoApiKeys
from publisher.adapters.mongo.unit_of_work import MongoUnitOfWork
from publisher.adapters.preview_links import SignedLinks
from publisher.adapters.site_map import SiteDirectory
from publisher.config import PublisherSettings
from publisher.service import pages
from publisher.service.ports import Deps, Site

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Publisher:
    """The wired service: what routes, consumers and the scheduler work with."""

    settings: PublisherSettings
    runtime: ServiceRuntime
    deps: Deps
    authenticator: ApiKeyAuthenticator
    sites: SiteDirectory
    # What this replica knows of each tenant's page version (None: no page cache).
    page_generations: PageGenerations | None = None

    def uow(self) -> MongoUnitOfWork:
        """A unit of work for a command: one transaction, events through the outbox."""
        generations = self.page_generations
        return MongoUnitOfWork(
            self.runtime.mongo,
            self.runtime.db,
            self.runtime.outbox,
            self.runtime.envelope,
            pages_changed=None if generations is None else generations.changed_here,
        )

    def reader(self) -> MongoUnitOfWork:
        """A unit of work for queries: no transaction (reads need none, and they are cheaper)."""
        return MongoUnitOfWork(
            self.runtime.mongo,
            self.runtime.db,
            self.runtime.outbox,
            self.runtime.envelope,
            transactional=False,
        )

    def joined(self, session: AsyncClientSession) -> MongoUnitOfWork:
        """A unit of work inside someone else's transaction (a consumer's inbox transaction)."""
        return MongoUnitOfWork(
            self.runtime.mongo,
            self.runtime.db,
            self.runtime.outbox,
            self.runtime.envelope,
            session=session,
        )


def _signing_secret(settings: PublisherSettings) -> str:
    if settings.signing_secret is not None and settings.signing_secret.get_secret_value():
        return settings.signing_secret.get_secret_value()
    logger.warning(
        "PUBLISHER_SIGNING_SECRET is not set: preview links are signed with a random secret "
        "and only work on this process until it stops"
    )
    return secrets.token_urlsafe(32)


def _media_signer(settings: PublisherSettings) -> SignedMediaLinks | None:
    keys = key_list(settings.media_url_signing_keys)
    return SignedMediaLinks(keys) if keys else None


def bootstrap(
    settings: PublisherSettings, runtime: ServiceRuntime, clock: Clock | None = None
) -> Publisher:
    clock = clock or SystemClock()
    keys = Argon2Keys()
    authenticator = ApiKeyAuthenticator(
        MongoApiKeys(runtime.db),
        keys,
        clock,
        VerifiedTokens(settings.api_key_cache_ttl_s, settings.api_key_cache_size),
    )

    async def load_sites() -> list[Site]:
        reader = MongoUnitOfWork(
            runtime.mongo, runtime.db, runtime.outbox, runtime.envelope, transactional=False
        )
        return await pages.sites(reader)

    sites = SiteDirectory(load_sites, clock, settings.site_map_ttl_s)
    deps = Deps(
        clock=clock,
        links=SignedLinks(
            settings.public_base_url,
            _signing_secret(settings),
            web_origin=settings.public_web_origin,
            domain_scheme=settings.custom_domain_scheme,
        ),
        keys=keys,
        revocations=authenticator,
        sites=sites,
        media_signer=_media_signer(settings),
    )
    generations = page_generations_for(settings, runtime.db)
    return Publisher(
        settings=settings,
        runtime=runtime,
        deps=deps,
        authenticator=authenticator,
        sites=sites,
        page_generations=generations,
    )
