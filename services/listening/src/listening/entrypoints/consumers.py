"""What listening consumes: our own comments and the posts every source fetched (matched into
mentions), the publisher's releases (what a mention may name) and its staff keys.

Each handler runs inside the shared consumer's inbox transaction, so a redelivered event is
skipped and a malformed one goes to the dead-letter topic; the mention and its
``MentionDetected`` (outbox) commit together with the inbox record. The app factory registers
this table; the event docs list it (``docs/events.md``, ``docs/asyncapi.yaml``).
"""

from __future__ import annotations

from pymongo.asynchronous.client_session import AsyncClientSession

from listening.bootstrap import Listening
from listening.domain.releases import KnownRelease
from listening.service.comments import apply_moderation
from listening.service.edits import apply_edit
from listening.service.intake import comment_edit_to_post, comment_to_post
from listening.service.pipeline import match_post, match_shared_post
from newsroom_shared.auth import api_key_subscriptions
from newsroom_shared.consumer import EventHandler
from newsroom_shared.consumer.table import Subscription
from newsroom_shared.events.comments import CommentEdited, CommentModerated, CommentPosted
from newsroom_shared.events.envelope import ReceivedEvent
from newsroom_shared.events.listening import PostFetched
from newsroom_shared.events.publisher import ReleasePublished, ReleaseUpdated


def post_handler(listening: Listening) -> EventHandler:
    async def apply(session: AsyncClientSession, received: ReceivedEvent) -> None:
        post = received.data
        assert isinstance(post, PostFetched)
        uow = listening.joined(session)
        if post.audience == "all":
            await match_shared_post(uow, listening.deps, listening.index.matcher, post)
        elif post.edited_at is not None:
            await apply_edit(uow, listening.deps, listening.index.matcher, post)
        else:
            await match_post(uow, listening.deps, listening.index.matcher, post)
        await uow.flush()

    return apply


def comment_handler(listening: Listening) -> EventHandler:
    async def apply(session: AsyncClientSession, received: ReceivedEvent) -> None:
        comment = received.data
        assert isinstance(comment, CommentPosted)
        uow = listening.joined(session)
        await comment_to_post(uow, comment, listening.deps.clock.now())
        await uow.flush()

    return apply


def comment_edit_handler(listening: Listening) -> EventHandler:
    async def apply(session: AsyncClientSession, received: ReceivedEvent) -> None:
        edit = received.data
        assert isinstance(edit, CommentEdited)
        uow = listening.joined(session)
        await comment_edit_to_post(uow, edit, listening.deps.clock.now())
        await uow.flush()

    return apply


def moderation_handler(listening: Listening) -> EventHandler:
    async def apply(session: AsyncClientSession, received: ReceivedEvent) -> None:
        decision = received.data
        assert isinstance(decision, CommentModerated)
        await apply_moderation(listening.joined(session), decision)

    return apply


def release_handler(listening: Listening) -> EventHandler:
    async def apply(session: AsyncClientSession, received: ReceivedEvent) -> None:
        release = received.data
        assert isinstance(release, ReleasePublished | ReleaseUpdated)
        known = KnownRelease(release.tenant_id, release.release_id, release.url, release.title)
        await listening.joined(session).releases.put(known)

    return apply


SUBSCRIPTIONS: list[Subscription[Listening]] = [
    Subscription(
        "listening.post-fetched",
        PostFetched,
        post_handler,
        purpose="matches the post against every query of its tenant (a post of a source shared "
        "by every tenant: against every tenant's); stores each mention and emits "
        "MentionDetected; a new version of a post (edited_at) revises its mention and emits "
        "MentionUpdated",
    ),
    Subscription(
        "listening.comment-posted",
        CommentPosted,
        comment_handler,
        purpose="passes visitors' comments on to matching as posts of the source 'comment'",
    ),
    Subscription(
        "listening.comment-edited",
        CommentEdited,
        comment_edit_handler,
        purpose="passes an edited comment on to matching again as a new version of its post: "
        "its mention takes the new text, language and sentiment, or is withdrawn",
    ),
    Subscription(
        "listening.comment-moderated",
        CommentModerated,
        moderation_handler,
        purpose="a comment taken down (spam, rejected, hidden) takes its mention out of the "
        "inbox; approved again, back in",
    ),
    Subscription(
        "listening.release-published",
        ReleasePublished,
        release_handler,
        purpose="remembers the release's URL, so a mention that links to it names it",
    ),
    Subscription(
        "listening.release-updated",
        ReleaseUpdated,
        release_handler,
        purpose="keeps the release's URL and title current",
    ),
    *api_key_subscriptions(lambda listening: listening.keys),
]
