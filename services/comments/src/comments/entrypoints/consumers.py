"""What comments consumes: the publisher's release events keep the read model of releases
(which exist, in which newsroom and tenant, whether they take comments); newsroom events the
read model of newsrooms (whose settings staff may keep); key events its replica of the staff
API keys.

Each handler runs inside the shared consumer's inbox transaction, so a redelivered event is
skipped and a malformed one goes to the dead-letter topic. The app factory registers this
table; the event docs list it (``docs/events.md``, ``docs/asyncapi.yaml``).
"""

from __future__ import annotations

from pymongo.asynchronous.client_session import AsyncClientSession

from comments.bootstrap import Comments
from comments.domain.errors import TenantMismatchError
from comments.service.newsrooms import newsroom_changed
from comments.service.releases import release_published, release_withdrawn
from newsroom_shared.auth import api_key_subscriptions
from newsroom_shared.consumer import EventHandler
from newsroom_shared.consumer.errors import PermanentError
from newsroom_shared.consumer.table import Subscription
from newsroom_shared.events.envelope import ReceivedEvent
from newsroom_shared.events.publisher import (
    NewsroomCreated,
    NewsroomUpdated,
    ReleasePublished,
    ReleaseUpdated,
    ReleaseWithdrawn,
)


def release_handler(comments: Comments) -> EventHandler:
    async def apply(session: AsyncClientSession, received: ReceivedEvent) -> None:
        event = received.data
        uow = comments.joined(session)
        try:
            if isinstance(event, ReleaseWithdrawn):
                await release_withdrawn(uow, event)
            else:
                assert isinstance(event, ReleasePublished | ReleaseUpdated)
                await release_published(uow, event)
        except TenantMismatchError as error:
            raise PermanentError(str(error)) from error  # a dead letter at once, no retries
        await uow.flush()  # the thread's page version is raised in the inbox's transaction

    return apply


def newsroom_handler(comments: Comments) -> EventHandler:
    async def apply(session: AsyncClientSession, received: ReceivedEvent) -> None:
        event = received.data
        assert isinstance(event, NewsroomCreated | NewsroomUpdated)
        uow = comments.joined(session)
        await newsroom_changed(uow, event)
        await uow.flush()  # what it wrote, whole in the inbox's transaction

    return apply


SUBSCRIPTIONS: list[Subscription[Comments]] = [
    Subscription(
        "comments.release-published",
        ReleasePublished,
        release_handler,
        purpose="opens the release's comments",
        on_publish_path=True,
    ),
    Subscription(
        "comments.release-updated",
        ReleaseUpdated,
        release_handler,
        purpose="keeps the release's title and URL in its read model",
    ),
    Subscription(
        "comments.release-withdrawn",
        ReleaseWithdrawn,
        release_handler,
        purpose="closes the release's comments and stops showing its thread",
    ),
    Subscription(
        "comments.newsroom-created",
        NewsroomCreated,
        newsroom_handler,
        purpose="adds the newsroom to its read model (whose comment settings staff may keep)",
    ),
    Subscription(
        "comments.newsroom-updated",
        NewsroomUpdated,
        newsroom_handler,
        purpose="keeps the newsroom's newest version in its read model",
    ),
    *api_key_subscriptions(lambda comments: comments.keys),
]
