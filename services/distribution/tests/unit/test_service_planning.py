"""Planning on in-memory ports: a published release plans its public channels' deliveries at
once and its email fan-out page by page; a withdrawal cancels what is still pending and marks
sent posts for deletion."""

from __future__ import annotations

from dataclasses import replace

from distribution.domain.channels import WebhookConfig
from distribution.domain.delivery import DeliveryStatus
from distribution.domain.suppressions import Suppression, SuppressionReason
from distribution.service import planning
from newsroom_shared.events.publisher import ReleaseWithdrawn

TENANT, OTHER = "tenant-a", "tenant-b"
SECRET = "whsec_" + "A" * 44


async def test_a_release_plans_each_channel_and_the_first_page_of_readers(
    units, clock, seed
) -> None:
    seed.newsroom()
    mastodon = seed.mastodon_channel()
    email = seed.email_channel()
    for number in range(5):
        seed.subscriber(f"s{number}")
    seed.subscriber("unconfirmed", confirmed=False)
    seed.subscriber("elsewhere", newsroom_id="n2")
    event = seed.published()
    planned = await units.transact(
        lambda uow: planning.plan_for_release(uow, event, clock.now(), page_size=2)
    )
    assert planned == 3  # the post, and the first page of two readers
    deliveries = list(units.store.deliveries.values())
    assert {(d.channel_id, d.recipient) for d in deliveries} == {
        (mastodon.id, mastodon.config.recipient),
        (email.id, "s0"),
        (email.id, "s1"),
    }
    assert all(d.status is DeliveryStatus.PENDING and d.tenant_id == TENANT for d in deliveries)
    facts = units.store.releases[(TENANT, "r1")]
    assert facts["newsroom_name"] == "Acme Press Room"  # emails name the newsroom


async def test_the_planner_plans_the_remaining_pages_then_has_nothing_to_do(
    units, clock, seed
) -> None:
    seed.newsroom()
    seed.email_channel()
    for number in range(5):
        seed.subscriber(f"s{number}")
    event = seed.published()
    await units.transact(
        lambda uow: planning.plan_for_release(uow, event, clock.now(), page_size=2)
    )
    pages = [
        await planning.plan_ahead(units, clock.now(), page_size=2, ahead=100) for _ in range(3)
    ]
    assert pages == [2, 1, None]  # the rest, then no open fan-out
    assert {d.recipient for d in units.store.deliveries.values()} == {f"s{n}" for n in range(5)}
    [fan_out] = units.store.fan_outs.values()
    assert fan_out.done


async def test_the_planner_waits_while_enough_is_due(units, clock, seed) -> None:
    seed.newsroom()
    seed.email_channel()
    for number in range(5):
        seed.subscriber(f"s{number}")
    event = seed.published()
    await units.transact(
        lambda uow: planning.plan_for_release(uow, event, clock.now(), page_size=2)
    )
    assert await planning.plan_ahead(units, clock.now(), page_size=2, ahead=2) is None
    assert len(units.store.deliveries) == 2


async def test_suppressed_and_bounced_readers_are_not_planned(units, clock, seed) -> None:
    seed.newsroom()
    seed.email_channel()
    seed.subscriber("ok")
    bounced = seed.subscriber("bounced")
    units.store.subscribers[bounced.id] = bounced.mark_bounced()
    suppressed = seed.subscriber("suppressed", email="gone@example.org")
    units.store.suppressions[(TENANT, suppressed.email)] = Suppression(
        TENANT, suppressed.email, SuppressionReason.MANUAL, clock.now()
    )
    event = seed.published()
    await units.transact(lambda uow: planning.plan_for_release(uow, event, clock.now()))
    assert {d.recipient for d in units.store.deliveries.values()} == {"ok"}


async def test_only_the_events_tenant_channels_and_readers_are_planned(units, clock, seed) -> None:
    seed.newsroom()
    seed.newsroom(OTHER, "n1", slug="other")  # the same newsroom id in another tenant
    seed.email_channel(OTHER)
    seed.mastodon_channel(OTHER)
    seed.subscriber("theirs", tenant=OTHER)
    event = seed.published()
    planned = await units.transact(lambda uow: planning.plan_for_release(uow, event, clock.now()))
    assert planned == 0
    assert units.store.deliveries == {}


async def test_a_webhook_gets_only_the_event_types_it_asked_for(units, clock, seed) -> None:
    seed.newsroom()
    seed.channel(
        WebhookConfig(
            url="https://hooks.example/a", secret=SECRET, event_types=("release.withdrawn",)
        ),
        channel_id="withdrawals-only",
    )
    seed.channel(WebhookConfig(url="https://hooks.example/b", secret=SECRET), channel_id="all")
    event = seed.published()
    await units.transact(lambda uow: planning.plan_for_release(uow, event, clock.now()))
    assert {d.channel_id for d in units.store.deliveries.values()} == {"all"}


async def test_publishing_again_plans_nothing_new(units, clock, seed) -> None:
    seed.newsroom()
    seed.mastodon_channel()
    seed.email_channel()
    seed.subscriber("s1")
    event = seed.published()
    assert await units.transact(lambda uow: planning.plan_for_release(uow, event, clock.now())) == 2
    assert await units.transact(lambda uow: planning.plan_for_release(uow, event, clock.now())) == 0
    assert len(units.store.deliveries) == 2


async def test_a_withdrawal_cancels_pending_and_marks_sent_posts_for_deletion(
    units, clock, seed
) -> None:
    seed.newsroom()
    seed.mastodon_channel()
    seed.email_channel()
    for number in range(3):
        seed.subscriber(f"s{number}")
    event = seed.published()
    await units.transact(
        lambda uow: planning.plan_for_release(uow, event, clock.now(), page_size=2)
    )
    post = next(d for d in units.store.deliveries.values() if d.channel_kind == "mastodon")
    units.store.deliveries[post.id] = replace(
        post, status=DeliveryStatus.SENT, remote_id="p1", remote_ids=("p1",), sent_at=clock.now()
    )
    withdrawn = ReleaseWithdrawn(
        tenant_id=TENANT, release_id="r1", newsroom_id="n1", withdrawn_at=clock.now(), reason="x"
    )
    changed = await units.transact(
        lambda uow: planning.withdraw_release(uow, withdrawn, clock.now())
    )
    assert changed == 3
    statuses = {d.recipient: d.status for d in units.store.deliveries.values()}
    assert statuses == {
        post.recipient: DeliveryStatus.SENT,
        "s0": DeliveryStatus.CANCELLED,
        "s1": DeliveryStatus.CANCELLED,
    }
    assert post.id in units.store.retractions_due  # the worker deletes the post
    # The fan-out is closed: the third reader is never planned.
    assert await planning.plan_ahead(units, clock.now(), page_size=2) is None
    assert len(units.store.deliveries) == 3


async def test_the_newsroom_name_is_the_events_else_the_read_models(units, clock, seed) -> None:
    seed.newsroom()  # known to the read model as "Acme Press Room"
    older = seed.published()  # emitted before events carried the name
    await units.transact(lambda uow: planning.plan_for_release(uow, older, clock.now()))
    assert units.store.releases[(TENANT, "r1")]["newsroom_name"] == "Acme Press Room"

    renamed = older.model_copy(update={"version": 2, "newsroom_name": "Acme Newsroom"})
    await units.transact(lambda uow: planning.plan_for_release(uow, renamed, clock.now()))
    assert units.store.releases[(TENANT, "r1")]["newsroom_name"] == "Acme Newsroom"
