"""What distribution consumes: release events plan and withdraw deliveries; listening's spikes
plan alerts to staff; newsroom events
keep the newsroom read model; key events keep its replica of the staff API keys.

Each handler runs inside the shared consumer's inbox transaction, so a redelivered event is
skipped, and the deliveries it planned commit together with its inbox record. The app factory
registers this table; the event docs list it (``docs/events.md``, ``docs/asyncapi.yaml``).
"""

from __future__ import annotations

from collections.abc import Callable

from pymongo.asynchronous.client_session import AsyncClientSession

from distribution.bootstrap import Distribution
from distribution.service.alerts import plan_spike_alert
from distribution.service.newsrooms import apply_newsroom_event
from distribution.service.planning import plan_for_release, withdraw_release
from newsroom_shared.auth import api_key_subscriptions
from newsroom_shared.consumer import EventHandler
from newsroom_shared.consumer.table import Subscription
from newsroom_shared.events.envelope import ReceivedEvent
from newsroom_shared.events.listening import MentionSpike
from newsroom_shared.events.publisher import (
    NewsroomCreated,
    NewsroomUpdated,
    ReleaseEmbargoed,
    ReleasePublished,
    ReleaseWithdrawn,
)


def release_handler(distribution: Distribution) -> EventHandler:
    async def apply(session: AsyncClientSession, received: ReceivedEvent) -> None:
        event = received.data
        uow = distribution.joined(session)
        now = distribution.clock.now()
        if isinstance(event, ReleaseWithdrawn):
            await withdraw_release(uow, event, now)
        else:
            assert isinstance(event, ReleasePublished | ReleaseEmbargoed)
            await plan_for_release(
                uow,
                event,
                now,
                page_size=distribution.settings.fan_out_page_size,
                handoff=distribution.handoff,
            )
        await uow.flush()

    return apply


def spike_handler(distribution: Distribution) -> EventHandler:
    async def apply(session: AsyncClientSession, received: ReceivedEvent) -> None:
        spike = received.data
        assert isinstance(spike, MentionSpike)
        uow = distribution.joined(session)
        await plan_spike_alert(uow, spike, received.id, distribution.clock.now())

    return apply


def newsroom_handler(distribution: Distribution) -> EventHandler:
    async def apply(session: AsyncClientSession, received: ReceivedEvent) -> None:
        event = received.data
        assert isinstance(event, NewsroomCreated | NewsroomUpdated)
        await apply_newsroom_event(distribution.joined(session), event)

    return apply


def ring_the_worker(distribution: Distribution) -> Callable[[], None]:
    """Planned deliveries (and a withdrawn release's posts to delete) are due at once: the
    worker here takes them now (those planned claimed for it, the hand-off, without a
    command), not at its next poll (other replicas' workers find them by polling)."""
    return distribution.doorbell.ring


SUBSCRIPTIONS: list[Subscription[Distribution]] = [
    Subscription(
        "distribution.release-published",
        ReleasePublished,
        release_handler,
        purpose="plans the release's posts, webhooks and subscriber emails",
        on_publish_path=True,
        after_commit=ring_the_worker,
    ),
    Subscription(
        "distribution.release-embargoed",
        ReleaseEmbargoed,
        release_handler,
        purpose="plans the release's deliveries for the embargo's end",
        on_publish_path=True,
        after_commit=ring_the_worker,
    ),
    Subscription(
        "distribution.release-withdrawn",
        ReleaseWithdrawn,
        release_handler,
        purpose="cancels the release's pending deliveries",
        after_commit=ring_the_worker,
    ),
    Subscription(
        "distribution.mention-spiked",
        MentionSpike,
        spike_handler,
        purpose="plans an alert to the tenant's alert recipients (staff emails, webhooks)",
        after_commit=ring_the_worker,
    ),
    Subscription(
        "distribution.newsroom-created",
        NewsroomCreated,
        newsroom_handler,
        purpose="adds the newsroom to its read model (whose newsroom a channel may name)",
    ),
    Subscription(
        "distribution.newsroom-updated",
        NewsroomUpdated,
        newsroom_handler,
        purpose="updates the newsroom's name, slug and language in its read model",
    ),
    *api_key_subscriptions(lambda distribution: distribution.keys),
]
