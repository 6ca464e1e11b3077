"""Bluesky posts from Jetstream as ``PostFetched`` for every tenant, recorded in batches with
the subscription's cursor."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from listening.domain.bluesky import BlueskyPost
from listening.domain.dedupe import url_key
from listening.service.intake import MAX_TEXT
from listening.service.ports import UnitOfWork
from newsroom_shared.events.listening import EVERY_TENANT, PostFetched


class CursorTakenError(Exception):
    """The cursor moved under this subscriber: another replica took the subscription over."""


def bluesky_post(post: BlueskyPost, now: datetime) -> PostFetched | None:
    """A post for every tenant (``audience="all"``), keyed by its bsky.app URL; None when it
    has no text (a picture or a quote alone).

    A post with a link card is matched with the card's title and description, and stands for
    the page it links to: its URL is the card's (the dedupe key and the partition key come from
    it, so the same article shared in many posts, or polled from a feed, is one mention, and a
    link to one of the tenant's releases names it), and its source URL is the post itself."""
    text = post.matched_text[:MAX_TEXT]
    if not text:
        return None
    url = post.link.uri if post.link else post.web_url
    return PostFetched(
        tenant_id=EVERY_TENANT,
        audience="all",
        post_key=url_key(url),
        source_kind="bluesky",
        source_url=post.web_url if post.link else f"https://bsky.app/profile/{post.did}",
        text=text,
        url=url,
        author=post.author,
        language=post.langs[0].lower() if post.langs else None,
        published_at=post.created_at,
        fetched_at=now,
    )


async def record_posts(
    uow: UnitOfWork,
    seen: int | None,
    posts: Sequence[BlueskyPost],
    last_time_us: int,
    now: datetime,
) -> int:
    """Emits the batch's posts and moves the cursor to ``last_time_us`` (the batch's last event,
    posts or not; never back: after a rewind the first events are older than the cursor) in one
    transaction; answers the new cursor."""
    to = max(last_time_us, seen or 0)
    async with uow:
        if not await uow.jetstream_cursor.advance(seen=seen, to=to):
            raise CursorTakenError(f"the Jetstream cursor is no longer {seen}")
        for post in posts:
            fetched = bluesky_post(post, now)
            if fetched is not None:
                uow.emit(fetched)
    return to
