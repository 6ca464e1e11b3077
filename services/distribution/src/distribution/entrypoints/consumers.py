"""Kafka consumers: release events plan and withdraw deliveries.

Each handler runs inside the shared consumer's inbox transaction, so a redelivered event is
skipped, and the deliveries it planned commit together with its inbox record.
"""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from pymongo.asynchronous.client_session import AsyncClientSession

from distribution.bootstrap import Distribution
from distribution.service.planning import plan_for_release, withdraw_release
from newsroom_shared.consumer import OFF_PATH_FETCH_WAIT_MS, EventHandler, subscribe
from newsroom_shared.events.base import Event
from newsroom_shared.events.envelope import ReceivedEvent
from newsroom_shared.events.publisher import ReleaseEmbargoed, ReleasePublished, ReleaseWithdrawn


def release_handler(distribution: Distribution) -> EventHandler:
    async def apply(session: AsyncClientSession, received: ReceivedEvent) -> None:
        event = received.data
        uow = distribution.joined(session)
        now = distribution.clock()
        if isinstance(event, ReleaseWithdrawn):
            await withdraw_release(uow, event, now)
        else:
            assert isinstance(event, ReleasePublished | ReleaseEmbargoed)
            await plan_for_release(
                uow, event, now, page_size=distribution.settings.fan_out_page_size
            )
        await uow.flush()

    return apply


RELEASE_EVENTS: dict[str, type[Event]] = {
    "distribution.release-published": ReleasePublished,
    "distribution.release-embargoed": ReleaseEmbargoed,
    "distribution.release-withdrawn": ReleaseWithdrawn,
}


# On the way from publication to the networks: these keep the short fetch wait of the settings.
PUBLISH_PATH = frozenset({"distribution.release-published", "distribution.release-embargoed"})


def register_consumers(broker: KafkaBroker, distribution: Distribution) -> None:
    handler = release_handler(distribution)
    for name, event_class in RELEASE_EVENTS.items():
        subscribe(
            broker,
            event_class=event_class,
            handler=handler,
            db=distribution.runtime.db,
            name=name,
            settings=distribution.settings,
            fetch_max_wait_ms=None if name in PUBLISH_PATH else OFF_PATH_FETCH_WAIT_MS,
        )
