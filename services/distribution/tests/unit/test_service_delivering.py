"""The worker's use cases on in-memory ports (:class:`Deliverer`): claim, cancel for a reader
who can no longer be mailed, dispatch by channel kind, and what each outcome records and
emits; a claim lost to another worker records nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from distribution.domain.channels import WebhookConfig
from distribution.domain.delivery import DeliveryStatus
from distribution.domain.outcomes import PermanentFailure, TransientFailure
from distribution.domain.subscribers import keyed_digest
from distribution.domain.suppressions import Suppression, SuppressionReason
from distribution.service import planning
from distribution.service.delivering import Deliverer
from newsroom_shared.events.distribution import DeliveryFailed, DeliverySucceeded
from newsroom_shared.events.publisher import ReleasePublished

TENANT, OTHER = "tenant-a", "tenant-b"
KEY = b"digest-key"
LEASE = timedelta(minutes=5)
SECRET = "whsec_" + "A" * 44


def deliverer(units, far, clock, owner: str = "worker-1") -> Deliverer:
    return Deliverer(units, far.senders, clock, digest_key=KEY, owner=owner, lease=LEASE)


async def plan(units, seed, tenant: str = TENANT) -> None:
    event = seed.published(tenant)
    await units.transact(lambda uow: planning.plan_for_release(uow, event, seed.clock.now()))


async def run(worker: Deliverer) -> int:
    """What the worker does with one claim, without its scheduling; how many were attempted."""
    batch = await worker.claim(100)
    attempted = 0
    for claimed in batch.claimed:
        if await worker.cancel_if_unreachable(claimed, batch.context):
            continue
        assert worker.lease_holds(claimed)
        await worker.record(await worker.attempt(claimed, batch.context))
        attempted += 1
    return attempted


def statuses(units) -> dict[str, DeliveryStatus]:
    return {d.channel_kind: d.status for d in units.store.deliveries.values()}


@pytest.fixture
def newsroom(seed):
    seed.newsroom(TENANT)
    return seed


async def test_each_kind_goes_through_its_own_sender_and_succeeds(
    units, far, clock, newsroom
) -> None:
    newsroom.mastodon_channel()
    newsroom.email_channel()
    newsroom.channel(WebhookConfig(url="https://hooks.example/a", secret=SECRET))
    reader = newsroom.subscriber("s1", email="jane@example.org")
    await plan(units, newsroom)
    assert await run(deliverer(units, far, clock)) == 3
    assert statuses(units) == {
        "mastodon": DeliveryStatus.SENT,
        "email": DeliveryStatus.SENT,
        "webhook": DeliveryStatus.SENT,
    }
    [(_, posts, _)] = far.mastodon.posted
    assert "Launch day" in posts[0].text
    [message] = far.email.sent
    assert message.recipient == "jane@example.org"  # type: ignore[union-attr]
    [(url, payload, _)] = far.webhooks.delivered
    assert (url, payload["type"]) == ("https://hooks.example/a", ReleasePublished.ce_type)
    events = units.events
    assert {type(e) for e in events} == {DeliverySucceeded}
    by_kind = {e.channel_kind: e for e in events if isinstance(e, DeliverySucceeded)}
    assert by_kind["email"].recipient == keyed_digest(reader.email, KEY)  # never the address
    assert by_kind["mastodon"].remote_id == "post-1-0"
    assert all(e.tenant_id == TENANT for e in by_kind.values())


@pytest.mark.parametrize("why", ["unsubscribed", "bounced", "suppressed"])
async def test_a_reader_who_can_no_longer_be_mailed_is_cancelled_not_sent(
    units, far, clock, newsroom, why: str
) -> None:
    newsroom.email_channel()
    reader = newsroom.subscriber("s1", email="jane@example.org")
    await plan(units, newsroom)
    # Meanwhile, after planning and before the attempt:
    if why == "unsubscribed":
        units.store.subscribers[reader.id] = reader.unsubscribe(clock.now())
    elif why == "bounced":
        units.store.subscribers[reader.id] = reader.mark_bounced()
    else:
        units.store.suppressions[(TENANT, reader.email)] = Suppression(
            TENANT, reader.email, SuppressionReason.COMPLAINT, clock.now()
        )
    assert await run(deliverer(units, far, clock)) == 0
    [delivery] = units.store.deliveries.values()
    assert delivery.status is DeliveryStatus.CANCELLED
    assert far.email.sent == []
    assert units.events == []


async def test_a_permanent_failure_fails_the_delivery_and_says_so(
    units, far, clock, newsroom
) -> None:
    newsroom.mastodon_channel()
    await plan(units, newsroom)
    far.mastodon.outcome = PermanentFailure("the token was revoked")
    await run(deliverer(units, far, clock))
    [delivery] = units.store.deliveries.values()
    assert (delivery.status, delivery.failed_permanently) == (DeliveryStatus.FAILED, True)
    [event] = units.events
    assert isinstance(event, DeliveryFailed)
    assert (event.permanent, event.error) == (True, "the token was revoked")
    [(_, logged)] = units.store.failed_attempts
    assert (logged.delivery_id, logged.final) == (delivery.id, True)


async def test_a_transient_failure_is_tried_again_later_with_the_same_key(
    units, far, clock, newsroom
) -> None:
    newsroom.mastodon_channel()
    await plan(units, newsroom)
    far.mastodon.outcome = TransientFailure("503 from the instance")
    worker = deliverer(units, far, clock)
    await run(worker)
    [delivery] = units.store.deliveries.values()
    assert delivery.status is DeliveryStatus.PENDING
    assert delivery.next_attempt_at > clock.now()
    assert units.events == []  # not over yet
    [(_, logged)] = units.store.failed_attempts
    assert not logged.final
    assert await run(worker) == 0  # not due yet
    clock.set(delivery.next_attempt_at + timedelta(seconds=1))  # the clock keeps milliseconds
    far.mastodon.outcome = None
    assert await run(worker) == 1
    [first, second] = far.mastodon.posted
    assert first[2] == second[2] == delivery.idempotency_key
    [after] = units.store.deliveries.values()
    assert (after.status, after.attempts) == (DeliveryStatus.SENT, 2)
    assert [type(e) for e in units.events] == [DeliverySucceeded]


async def test_an_outcome_after_the_claim_was_taken_over_records_nothing(
    units, far, clock, newsroom
) -> None:
    newsroom.mastodon_channel()
    await plan(units, newsroom)
    slow = deliverer(units, far, clock, owner="slow")
    batch = await slow.claim(10)
    [claimed] = batch.claimed
    clock.advance(LEASE + timedelta(seconds=1))  # the slow worker's lease ran out
    assert not slow.lease_holds(claimed)
    assert await run(deliverer(units, far, clock, owner="other")) == 1
    attempted = await slow.attempt(claimed, batch.context)
    await slow.record(attempted)  # too late: the other worker's result counts
    [delivery] = units.store.deliveries.values()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    assert delivery.outcome_unknown  # the second claim looked for the first one's post
    assert len([e for e in units.events if isinstance(e, DeliverySucceeded)]) == 1


async def test_a_withdrawn_releases_post_is_deleted(units, far, clock, newsroom) -> None:
    newsroom.mastodon_channel()
    await plan(units, newsroom)
    await run(deliverer(units, far, clock))
    [sent] = units.store.deliveries.values()
    withdrawn = replace(sent, retraction_requested_at=clock.now())
    units.store.deliveries[sent.id] = withdrawn
    units.store.retractions_due[sent.id] = clock.now()
    worker = deliverer(units, far, clock)
    batch = await worker.claim_retractions(10)
    [claimed] = batch.claimed
    await worker.record_retraction(claimed, await worker.retract(claimed, batch.context))
    assert far.mastodon.deleted == list(sent.remote_ids)
    assert units.store.deliveries[sent.id].retracted_at == clock.now()
    assert sent.id not in units.store.retractions_due


async def test_each_tenants_release_goes_to_its_own_readers_only(units, far, clock, seed) -> None:
    for tenant in (TENANT, OTHER):
        seed.newsroom(tenant, slug=tenant)  # the same newsroom id "n1" in both tenants
        seed.email_channel(tenant)
        seed.subscriber(f"reader-{tenant}", tenant=tenant, email=f"reader@{tenant}.example")
    await plan(units, seed, TENANT)
    assert await run(deliverer(units, far, clock)) == 1
    assert [m.recipient for m in far.email.sent] == [f"reader@{TENANT}.example"]  # type: ignore[union-attr]
    await plan(units, seed, OTHER)
    assert await run(deliverer(units, far, clock)) == 1
    assert far.email.sent[-1].recipient == f"reader@{OTHER}.example"  # type: ignore[union-attr]
    by_tenant = {d.tenant_id: d.recipient for d in units.store.deliveries.values()}
    assert by_tenant == {TENANT: f"reader-{TENANT}", OTHER: f"reader-{OTHER}"}
    assert {e.tenant_id for e in units.events} == {TENANT, OTHER}
