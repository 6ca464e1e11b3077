"""Subscriber use cases on in-memory ports: the double opt-in by the newsroom's public slug,
confirming, unsubscribing, the suppression list, and tenant isolation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from distribution.domain.confirmations import ConfirmationStatus
from distribution.domain.delivery import Delivery, DeliveryStatus
from distribution.domain.subscribers import SubscriberStatus
from distribution.domain.suppressions import SuppressionReason
from distribution.service import subscribers, subscriptions, suppressions
from distribution.service.errors import ConflictError, NotFoundError
from distribution.service.subscribers import SubscribeRequest

TENANT, OTHER = "tenant-a", "tenant-b"


def request(email: str = "Jane@Example.org", slug: str = "acme") -> SubscribeRequest:
    return SubscribeRequest(
        newsroom_slug=slug, email=email, language="de", categories=("tech",), ip_hash=None
    )


@pytest.fixture
def newsroom(seed):
    newsroom = seed.newsroom(TENANT, "n1", slug="acme")
    seed.email_channel(TENANT, "n1")
    return newsroom


async def subscribe(units, clock, req: SubscribeRequest) -> None:
    now = clock.now()
    await units.transact(lambda uow: subscribers.subscribe(uow, req, now))


async def test_subscribing_by_slug_makes_a_pending_subscriber_and_one_confirmation(
    units, clock, newsroom
) -> None:
    await subscribe(units, clock, request())
    [subscriber] = units.store.subscribers.values()
    assert (subscriber.tenant_id, subscriber.newsroom_id) == (TENANT, "n1")
    assert subscriber.email == "jane@example.org"
    assert subscriber.status is SubscriberStatus.PENDING_CONFIRMATION
    assert (subscriber.language, subscriber.categories) == ("de", ("tech",))
    [confirmation] = units.store.confirmations.values()
    assert confirmation.subscriber_id == subscriber.id
    assert confirmation.channel_id == f"email-{TENANT}"
    # Asking again at once sends no second email (and says nothing different).
    await subscribe(units, clock, request())
    assert len(units.store.confirmations) == 1


async def test_unknown_slug_or_a_newsroom_without_email_channel_is_not_found(
    units, clock, seed
) -> None:
    seed.newsroom(TENANT, "n2", slug="quiet")  # no email channel
    for slug in ("nowhere", "quiet"):
        with pytest.raises(NotFoundError):
            await subscribe(units, clock, request(slug=slug))
    assert units.store.subscribers == {}


async def test_a_suppressed_address_is_never_mailed_and_the_answer_is_the_same(
    units, clock, newsroom
) -> None:
    now = clock.now()
    await units.transact(
        lambda uow: suppressions.suppress(
            uow, TENANT, "jane@example.org", SuppressionReason.COMPLAINT, now
        )
    )
    await subscribe(units, clock, request())
    assert units.store.subscribers == {}
    assert units.store.confirmations == {}


async def test_another_tenants_suppression_does_not_count(units, clock, newsroom) -> None:
    now = clock.now()
    await units.transact(
        lambda uow: suppressions.suppress(
            uow, OTHER, "jane@example.org", SuppressionReason.MANUAL, now
        )
    )
    await subscribe(units, clock, request())
    assert len(units.store.subscribers) == 1


async def test_confirm_then_unsubscribe_then_confirm_again_is_refused(
    units, clock, newsroom
) -> None:
    await subscribe(units, clock, request())
    [subscriber] = units.store.subscribers.values()
    now = clock.now()
    for _ in range(2):  # idempotent
        await units.transact(lambda uow: subscribers.confirm(uow, TENANT, subscriber.id, now))
        assert units.store.subscribers[subscriber.id].status is SubscriberStatus.CONFIRMED
    assert await units.transact(
        lambda uow: subscriptions.unsubscribe(uow, TENANT, subscriber.id, now)
    )
    assert units.store.subscribers[subscriber.id].status is SubscriberStatus.UNSUBSCRIBED
    with pytest.raises(ConflictError) as refused:
        await units.transact(lambda uow: subscribers.confirm(uow, TENANT, subscriber.id, now))
    assert refused.value.code == "unsubscribed"


async def test_an_unsubscribed_reader_may_subscribe_again(units, clock, newsroom) -> None:
    await subscribe(units, clock, request())
    [subscriber] = units.store.subscribers.values()
    now = clock.now()
    await units.transact(lambda uow: subscriptions.unsubscribe(uow, TENANT, subscriber.id, now))
    clock.advance(timedelta(days=1))
    await subscribe(units, clock, request())
    again = units.store.subscribers[subscriber.id]
    assert again.status is SubscriberStatus.PENDING_CONFIRMATION
    assert len(units.store.confirmations) == 2


async def test_links_of_another_tenant_change_nothing(units, clock, newsroom) -> None:
    await subscribe(units, clock, request())
    [subscriber] = units.store.subscribers.values()
    now = clock.now()
    with pytest.raises(NotFoundError):
        await units.transact(lambda uow: subscribers.confirm(uow, OTHER, subscriber.id, now))
    assert not await units.transact(
        lambda uow: subscriptions.unsubscribe(uow, OTHER, subscriber.id, now)
    )
    assert units.store.subscribers[subscriber.id].status is SubscriberStatus.PENDING_CONFIRMATION


async def test_suppressing_flags_the_address_and_cancels_its_pending_deliveries(
    units, clock, seed
) -> None:
    jane = seed.subscriber("s1", email="jane@example.org")
    bob = seed.subscriber("s2", email="bob@example.org")
    now = clock.now()
    planned = {
        s.id: Delivery.plan(
            tenant_id=TENANT,
            release_id="r1",
            newsroom_id="n1",
            channel_id="c1",
            channel_kind="email",
            recipient=s.id,
            now=now,
        )
        for s in (jane, bob)
    }
    units.store.deliveries |= {d.id: d for d in planned.values()}
    entry = await units.transact(
        lambda uow: suppressions.suppress(
            uow, TENANT, "JANE@example.org", SuppressionReason.BOUNCE, now
        )
    )
    assert (entry.email, entry.reason) == ("jane@example.org", SuppressionReason.BOUNCE)
    assert units.store.subscribers[jane.id].bounced
    assert not units.store.subscribers[bob.id].bounced
    assert units.store.deliveries[planned[jane.id].id].status is DeliveryStatus.CANCELLED
    assert units.store.deliveries[planned[bob.id].id].status is DeliveryStatus.PENDING
    # Off the list again: the flag stays; and it is gone from the list.
    await units.transact(lambda uow: suppressions.unsuppress(uow, TENANT, "jane@example.org"))
    assert units.store.subscribers[jane.id].bounced
    with pytest.raises(NotFoundError):
        await units.transact(lambda uow: suppressions.unsuppress(uow, TENANT, "jane@example.org"))


async def test_erasure_removes_the_address_in_the_callers_tenant_only(units, clock, seed) -> None:
    mine = seed.subscriber("s1", email="jane@example.org")
    theirs = seed.subscriber("s9", tenant=OTHER, email="jane@example.org")
    now = clock.now()
    erased = await units.transact(
        lambda uow: subscribers.erase_address(uow, TENANT, "jane@example.org", b"key", now)
    )
    assert erased == 1
    assert mine.id not in units.store.subscribers
    assert units.store.subscribers[theirs.id] == theirs
    with pytest.raises(NotFoundError):
        await subscribers.export_address(units.reader(), TENANT, "jane@example.org")
    exported = await subscribers.export_address(units.reader(), OTHER, "jane@example.org")
    assert [s["id"] for s in exported["subscriptions"]] == [theirs.id]


async def test_confirmation_statuses_stay_pending_until_the_mailer_runs(
    units, clock, newsroom
) -> None:
    await subscribe(units, clock, request())
    [confirmation] = units.store.confirmations.values()
    assert confirmation.status is ConfirmationStatus.PENDING
    assert confirmation.next_attempt_at <= clock.now()
