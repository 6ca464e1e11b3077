"""The routers of the listening API, in the order they are mounted."""

from __future__ import annotations

from listening.entrypoints.http import feeds, mastodon_sources, mentions, queries, sources

ROUTERS = (
    queries.router,
    mentions.router,
    mentions.counts_router,
    sources.router,
    sources.inbound_router,
    feeds.router,
    mastodon_sources.router,
)
