"""The feed poller's use cases: claim the feeds that are due, fetch each, and store its new
state together with a ``PostFetched`` for every entry not seen before, in one transaction.

A claim is a lease (:meth:`FeedRepository.claim_due`): a feed is fetched by one replica at a
time, and a replica that dies mid-poll leaves a claim that runs out. What a poll fetched is
stored only while its claim holds, so a poll that outlived its lease changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from listening.domain.errors import ClaimLostError
from listening.domain.feed_entries import FeedPost, feed_post, retry_after_s
from listening.domain.feeds import Feed, FeedKind
from listening.service.feed_ports import (
    FeedDeps,
    FeedParseError,
    Fetched,
    FetchFailed,
    FetchOutcome,
    NotModified,
)
from listening.service.ports import UnitOfWork
from newsroom_shared.events.listening import PostFetched

logger = logging.getLogger(__name__)


async def poll_due(
    reader: Callable[[], UnitOfWork], writer: Callable[[], UnitOfWork], deps: FeedDeps
) -> int:
    """One pass: claim up to ``claim_batch`` due feeds and poll them concurrently; answers how
    many were claimed (the loop comes back at once while there are)."""
    now = deps.clock.now()
    claim = uuid.uuid4().hex
    async with reader() as uow:
        feeds = await uow.feeds.claim_due(
            now,
            deps.claim_batch,
            claim=claim,
            lease_until=now + timedelta(seconds=deps.claim_lease_s),
        )
    results = await asyncio.gather(
        *(poll_feed(writer(), deps, feed, claim) for feed in feeds), return_exceptions=True
    )
    for feed, result in zip(feeds, results, strict=True):
        if isinstance(result, ClaimLostError):
            logger.info("feed %s: %s", feed.id, result)
        elif isinstance(result, BaseException):
            # Its claim runs out and another pass polls it again.
            logger.error("feed %s: the poll failed", feed.id, exc_info=result)
    return len(feeds)


async def poll_feed(uow: UnitOfWork, deps: FeedDeps, feed: Feed, claim: str) -> int:
    """Fetch one claimed feed and store what came of it; answers how many posts it emitted."""
    outcome = await deps.fetcher.fetch(feed.url, feed.validators)
    now = deps.clock.now()
    after, kind, posts = next_state(feed, outcome, now, deps)
    async with uow:
        if not await uow.feeds.release(after, claim):
            raise ClaimLostError(f"the claim on feed {feed.id} ran out or the feed was deleted")
        for post in posts:
            uow.emit(post_fetched(feed, kind, post, now))
    return len(posts)


def next_state(
    feed: Feed, outcome: FetchOutcome, now: datetime, deps: FeedDeps
) -> tuple[Feed, FeedKind, list[FeedPost]]:
    """The feed after ``outcome``, the kind it turned out to be, and its new posts."""
    policy, random = deps.policy, deps.random()
    kind: FeedKind = feed.kind or "rss"
    if isinstance(outcome, NotModified):
        return feed.not_modified(now, policy, random), kind, []
    if isinstance(outcome, FetchFailed):
        waited = retry_after_s(outcome.retry_after, now)
        after = feed.failed(
            now, policy, random, error=outcome.reason, status=outcome.status, retry_after_s=waited
        )
        return after, kind, []
    return _fetched(feed, outcome, now, deps, random)


def _fetched(
    feed: Feed, outcome: Fetched, now: datetime, deps: FeedDeps, random: float
) -> tuple[Feed, FeedKind, list[FeedPost]]:
    try:
        parsed = deps.parser.parse(outcome.body)
    except FeedParseError as error:
        after = feed.failed(now, deps.policy, random, error=str(error))
        return after, feed.kind or "rss", []
    posts = [
        post
        for entry in parsed.entries
        if (post := feed_post(feed.id, entry, parsed.language)) is not None
    ]
    new = set(feed.unseen([post.digest for post in posts]))
    after = feed.fetched(
        now,
        deps.policy,
        random,
        kind=parsed.kind,
        validators=outcome.validators,
        entry_ids=[post.digest for post in posts],
    )
    # Feeds list their newest entry first: emitted oldest first.
    return after, parsed.kind, [post for post in reversed(posts) if post.digest in new]


def post_fetched(feed: Feed, kind: FeedKind, post: FeedPost, now: datetime) -> PostFetched:
    return PostFetched(
        tenant_id=feed.tenant_id,
        post_key=post.post_key,
        source_kind=kind,
        source_url=feed.url,
        text=post.text,
        url=post.url,
        author=post.author,
        language=post.language,
        published_at=post.published_at,
        fetched_at=now,
    )
