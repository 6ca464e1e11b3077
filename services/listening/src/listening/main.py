"""The listening app: the shared app factory with listening's routers, subscription table,
query follower and indexes."""

from __future__ import annotations

from fastapi import FastAPI

from listening.adapters.mongo.indexes import ensure_indexes
from listening.bootstrap import bootstrap
from listening.config import ListeningSettings
from listening.entrypoints.consumers import SUBSCRIPTIONS
from listening.entrypoints.http.errors import install_domain_error_handler
from listening.entrypoints.http.routers import ROUTERS
from listening.entrypoints.http.sources import inbound_rate_limit
from newsroom_shared.auth import without_api_keys
from newsroom_shared.clock import Clock
from newsroom_shared.http.auth import Authenticator
from newsroom_shared.runtime import ServiceRuntime, package_version

DESCRIPTION = """Mentions of the company in outside sources and our own comments: boolean
listening queries per tenant, matching, sentiment. Authenticate with
`Authorization: Bearer <api key>` (the publisher's staff keys). Errors are RFC 9457 problem
details (`application/problem+json`) with a stable `code`; a query that does not parse answers
**422** naming the position. Hears `CommentPosted`, signed inbound webhooks, RSS and Atom
feeds (a feed URL that may not be called answers **422** saying why), the Mastodon timelines a
tenant follows and Bluesky (Jetstream); emits `MentionDetected`, `MentionUpdated` and
`MentionSpike`."""


def create_app(
    settings: ListeningSettings | None = None,
    clock: Clock | None = None,
    *,
    authenticator: Authenticator | None = None,
) -> FastAPI:
    """The app. Staff API keys are the publisher's, replicated from its key events; tests may
    pass their own ``authenticator``."""
    settings = settings or ListeningSettings()
    runtime = ServiceRuntime(settings)
    listening = bootstrap(settings, runtime, clock)

    async def create_indexes() -> None:
        await ensure_indexes(runtime.db)

    async def load_queries() -> None:
        await listening.index.refresh()

    # Once the background loops stopped (shutdown hooks run in reverse): the connections close
    # and their leases are given up, so another replica takes the sources over at once.
    runtime.on_shutdown(listening.mastodon.stop)
    runtime.on_shutdown(listening.bluesky.stop)
    runtime.on_shutdown(listening.feed_fetcher.aclose)
    app = runtime.create_app(
        title="Newsroom listening",
        version=package_version("newsroom-listening"),
        description=DESCRIPTION,
        routers=list(ROUTERS),
        wired=listening,
        # Another authenticator (tests) needs no replica of the keys: no key consumers then.
        subscriptions=SUBSCRIPTIONS if authenticator is None else without_api_keys(SUBSCRIPTIONS),
        authenticator=authenticator or listening.keys.authenticator,
        # The matcher is built before the consumers start: a post consumed earlier would meet
        # no query and be lost.
        prepare=[create_indexes, listening.keys.ensure_indexes, load_queries],
        background=listening.loops(),
    )
    install_domain_error_handler(app)
    app.state.listening = listening
    app.state.inbound_rate_limit = inbound_rate_limit(
        settings.inbound_rate_per_minute, settings.inbound_rate_burst
    )
    return app
