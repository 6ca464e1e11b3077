"""The routers of the listening API, in the order they are mounted."""

from __future__ import annotations

from listening.entrypoints.http import mastodon_sources, mentions, queries, sources

ROUTERS = (
    queries.router,
    mentions.router,
    mentions.counts_router,
    sources.router,
    sources.inbound_router,
    mastodon_sources.router,
)
