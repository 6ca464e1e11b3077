"""Feed sources of a tenant: add (the URL checked against the SSRF guard), read, list,
delete. Polling them is :mod:`listening.service.feed_polling`."""

from __future__ import annotations

from listening.domain.errors import InvalidFeedUrlError, LimitReachedError, NotFoundError
from listening.domain.feeds import Feed
from listening.service.feed_ports import FeedDeps
from listening.service.ports import UnitOfWork
from listening.service.views import Slice
from newsroom_shared.outbound_urls import RefusedUrlError, check_outbound_url


async def add_feed(
    uow: UnitOfWork, deps: FeedDeps, tenant_id: str, *, url: str, name: str | None
) -> Feed:
    """A new feed, due for its first poll at once. Its URL must be one we may call (checked
    again, after DNS, before every fetch)."""
    try:
        checked = check_outbound_url(url, allow_insecure=deps.allow_insecure_urls)
    except RefusedUrlError as error:
        raise InvalidFeedUrlError(f"the feed URL {error}") from None
    except ValueError as error:  # urlsplit's own refusals ("Invalid IPv6 URL")
        raise InvalidFeedUrlError(f"the feed URL is not a valid URL: {error}") from None
    feed = Feed.create(tenant_id=tenant_id, url=checked, name=name, now=deps.clock.now())
    async with uow:
        if await uow.feeds.count(tenant_id) >= deps.max_feeds_per_tenant:
            raise LimitReachedError(f"a tenant polls at most {deps.max_feeds_per_tenant} feeds")
        await uow.feeds.add(feed)
    return feed


async def get_feed(uow: UnitOfWork, tenant_id: str, feed_id: str) -> Feed:
    async with uow:
        feed = await uow.feeds.get(tenant_id, feed_id)
    if feed is None:
        raise NotFoundError("feed", feed_id)
    return feed


async def list_feeds(
    uow: UnitOfWork, tenant_id: str, *, after_id: str | None, limit: int
) -> Slice[Feed]:
    async with uow:
        rows = await uow.feeds.page(tenant_id, after_id=after_id, limit=limit + 1)
    return Slice.of(rows, limit)


async def delete_feed(uow: UnitOfWork, tenant_id: str, feed_id: str) -> None:
    """The feed is polled no more (a poll in flight finds its claim gone and stores nothing)."""
    async with uow:
        if not await uow.feeds.delete(tenant_id, feed_id):
            raise NotFoundError("feed", feed_id)
