"""The comments app: the shared app factory with the comments routers, subscription table and
indexes."""

from __future__ import annotations

from fastapi import FastAPI

from comments.adapters.mongo.indexes import ensure_indexes
from comments.bootstrap import bootstrap
from comments.config import CommentsSettings
from comments.entrypoints.consumers import SUBSCRIPTIONS
from comments.entrypoints.http import bans, moderation, public, settings, thread_cache
from comments.entrypoints.http.cors import PublicCors
from comments.entrypoints.http.errors import install_domain_error_handler
from comments.entrypoints.web import manage, verify
from comments.entrypoints.widget import routes as widget
from comments.service.mails import MANAGE_PATH, VERIFY_PATH
from newsroom_shared.auth import without_api_keys
from newsroom_shared.clock import Clock
from newsroom_shared.http.auth import Authenticator
from newsroom_shared.observability import redact_access_paths
from newsroom_shared.runtime import ServiceRuntime, package_version

DESCRIPTION = """Visitor comments on published releases: threads, reactions, reports; official
replies by the company's staff, pinned under the comment they answer; moderation per newsroom
(pre, post, or pre until N approved; word lists, link and duplicate holds, a honeypot, bans,
rate limits) with an audit log. Emits CommentPosted and CommentModerated.

Visitors' routes (`/v1/public/...`) need no key and are rate limited per client. Staff routes
take the publisher's API keys (`Authorization: Bearer <key>`). Errors are RFC 9457 problem
details (`application/problem+json`) with a stable `code`. Listings page with `limit` and
`cursor`. The visitors' routes answer cross-origin requests (CORS, no credentials), so a
page on any site can use them; `/widget.js` is the script tag that embeds a thread.
"""

ROUTERS = (
    public.router,
    settings.router,
    moderation.router,
    bans.router,
    widget.router,
    manage.router,
    verify.router,
)


def create_app(
    settings: CommentsSettings | None = None,
    clock: Clock | None = None,
    *,
    authenticator: Authenticator | None = None,
) -> FastAPI:
    """The app. Staff API keys are the publisher's: this service keeps a replica of them from
    the publisher's key events; tests may pass their own ``authenticator``."""
    settings = settings or CommentsSettings()
    runtime = ServiceRuntime(settings)
    comments = bootstrap(settings, runtime, clock)

    async def create_indexes() -> None:
        await ensure_indexes(runtime.db)

    app = runtime.create_app(
        title="Newsroom comments",
        version=package_version("newsroom-comments"),
        description=DESCRIPTION,
        routers=list(ROUTERS),
        wired=comments,
        # Another authenticator (tests) needs no replica of the keys: no key consumers then.
        subscriptions=SUBSCRIPTIONS if authenticator is None else without_api_keys(SUBSCRIPTIONS),
        authenticator=authenticator or comments.keys.authenticator,
        prepare=[create_indexes, comments.keys.ensure_indexes],
        background=[comments.mail_loop, *thread_cache.poll_loop(comments)],
    )
    # The emails' pages carry a signed token in their address: never in the access log.
    redact_access_paths(MANAGE_PATH, VERIFY_PATH)
    install_domain_error_handler(app)
    app.add_middleware(PublicCors)
    thread_cache.install(app, comments)
    app.state.public_rate_limits = public.public_limits(settings)
    app.state.comments = comments
    return app
