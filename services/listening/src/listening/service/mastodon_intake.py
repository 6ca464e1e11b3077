"""A Mastodon status as a ``PostFetched``: what a followed timeline hands to matching."""

from __future__ import annotations

from datetime import datetime

from listening.domain.dedupe import url_key
from listening.domain.html_text import html_to_text
from listening.domain.mastodon import MastodonSource, MastodonStatus, status_item
from listening.service.intake import MAX_TEXT
from newsroom_shared.events.listening import PostFetched


def status_text(status: MastodonStatus) -> str:
    """The status as plain text: its content warning first (people write what the post is
    about there), then its content."""
    body = html_to_text(status.content_html)
    spoiler = status.spoiler_text.strip()
    return f"{spoiler}\n\n{body}".strip() if spoiler else body


def status_to_post(
    source: MastodonSource, status: MastodonStatus, now: datetime
) -> PostFetched | None:
    """A boost is the status it boosts (author, text, language, URL), keyed by that status's URL,
    so the original and every boost of it, on any timeline, meet on one key and one mention.
    None when there is nothing to match (a picture without words)."""
    original = status.original
    text = status_text(original)[:MAX_TEXT]
    if not text:
        return None
    return PostFetched(
        tenant_id=source.tenant_id,
        post_key=url_key(original.url),
        source_kind="mastodon",
        source_url=source.web_url,
        text=text,
        url=original.url,
        author=original.acct,
        language=original.language.lower() if original.language else None,
        published_at=original.created_at,
        fetched_at=now,
        # The instance names a deleted status by its own id only: kept on the mention.
        source_item=status_item(source.instance_url, original.id),
    )


def edit_to_post(
    source: MastodonSource, status: MastodonStatus, now: datetime
) -> PostFetched | None:
    """An edited status: its new version, which revises its mention (``edited_at``)."""
    post = status_to_post(source, status, now)
    edited_at = status.original.edited_at
    return None if post is None else post.model_copy(update={"edited_at": edited_at})
