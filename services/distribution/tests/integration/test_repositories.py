"""The Mongo repositories against the local MongoDB-protocol server: idempotent planning, atomic
claims with leases, and every query confined to its tenant."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from pymongo import AsyncMongoClient, monitoring

from distribution.adapters.crypto import CredentialCipher, new_key
from distribution.adapters.mongo.channels import MongoChannels
from distribution.adapters.mongo.deliveries import OUTCOMES_COLLECTION, MongoDeliveries
from distribution.adapters.mongo.fanouts import FanOutMovedError, MongoFanOuts, MongoReadyQueue
from distribution.adapters.mongo.indexes import ensure_indexes
from distribution.adapters.mongo.subscribers import MongoSubscribers, PageEndsByCursor
from distribution.adapters.mongo.suppressions import MongoSuppressions
from distribution.domain.channels import Channel, EmailConfig, MastodonConfig
from distribution.domain.delivery import Delivery, DeliveryStatus
from distribution.domain.fanouts import READY_PAGE, FanOut
from distribution.domain.subscribers import Consent, Subscriber
from distribution.domain.suppressions import Suppression, SuppressionReason
from newsroom_shared.events.publisher import ReleasePublished

pytestmark = pytest.mark.connected
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=1)


def subscriber(subscriber_id: str, tenant: str = "t1") -> Subscriber:
    """A newsroom n1 subscriber, awaiting confirmation."""
    return Subscriber.create(
        subscriber_id=subscriber_id,
        tenant_id=tenant,
        newsroom_id="n1",
        email=f"{subscriber_id}@example.org",
        consent=Consent(given_at=NOW, method="double_opt_in"),
        now=NOW,
    )


def release_published() -> ReleasePublished:
    return ReleasePublished(
        tenant_id="t1",
        release_id="r1",
        newsroom_id="n1",
        newsroom_slug="acme",
        slug="title",
        version=1,
        title="Title",
        lead="Lead",
        url="https://news.example/r1",
        language="en",
        published_at=NOW,
    )


def planned(tenant: str, recipient: str) -> Delivery:
    return Delivery.plan(
        tenant_id=tenant,
        release_id="r1",
        newsroom_id="n1",
        channel_id="c1",
        channel_kind="email",
        recipient=recipient,
        now=NOW,
    )


async def test_planning_the_same_deliveries_again_stores_nothing_new(database) -> None:
    await ensure_indexes(database)
    deliveries = MongoDeliveries(database)
    batch = [planned("t1", f"s{i}") for i in range(5)]
    assert len(await deliveries.add_new(batch)) == 5
    assert [d.recipient for d in await deliveries.add_new([*batch, planned("t1", "s5")])] == ["s5"]
    stored = await deliveries.of_release("t1", "r1")
    assert len(stored) == 6
    assert await deliveries.of_release("t2", "r1") == []


async def test_concurrent_claims_never_take_the_same_delivery(database) -> None:
    await ensure_indexes(database)
    deliveries = MongoDeliveries(database)
    await deliveries.add_new([planned("t1", f"s{i}") for i in range(20)])

    async def claim(name: str) -> list[Delivery]:
        return await deliveries.claim_due(NOW, 20, owner=name, claim=name, lease_until=NOW + LEASE)

    first, second = await asyncio.gather(claim("a"), claim("b"))
    ids_a, ids_b = {d.id for d in first}, {d.id for d in second}
    assert not ids_a & ids_b
    assert len(ids_a | ids_b) == 20
    assert all(d.status is DeliveryStatus.SENDING and d.attempts == 1 for d in first + second)
    assert await deliveries.claim_due(NOW, 20, owner="c", claim="c", lease_until=NOW + LEASE) == []


async def test_a_claim_whose_lease_ran_out_is_taken_again_with_the_same_key(database) -> None:
    await ensure_indexes(database)
    deliveries = MongoDeliveries(database)
    await deliveries.add_new([planned("t1", "s1")])
    [dead] = await deliveries.claim_due(
        NOW, 10, owner="dead", claim="dead", lease_until=NOW + LEASE
    )
    still_leased = NOW + LEASE / 2
    assert (
        await deliveries.claim_due(still_leased, 10, owner="w", claim="w1", lease_until=NOW)
    ) == []
    later = NOW + LEASE * 2
    [again] = await deliveries.claim_due(
        later, 10, owner="w", claim="w2", lease_until=later + LEASE
    )
    assert again.id == dead.id
    assert again.idempotency_key == dead.idempotency_key
    assert again.attempts == 2
    # The dead worker's late result no longer counts; the new claim's does.
    assert not await deliveries.finish(dead.retry_at(later, "late"), "dead")
    assert await deliveries.finish(again.succeed(later, None, None), "w2")
    stored = await deliveries.get("t1", dead.id)
    assert stored is not None
    assert stored.status is DeliveryStatus.SENT


async def test_channels_are_served_per_tenant_and_newsroom_with_credentials_encrypted(
    database,
) -> None:
    await ensure_indexes(database)
    channels = MongoChannels(database, CredentialCipher([new_key()]))
    mastodon = MastodonConfig(instance_url="https://m.example", access_token="tok-123")
    email = EmailConfig(sender="news@acme.example")
    await channels.save(
        Channel(id="c1", tenant_id="t1", name="M", newsroom_id="n1", config=mastodon)
    )
    await channels.save(Channel(id="c2", tenant_id="t1", name="E", config=email))
    await channels.save(
        Channel(id="c3", tenant_id="t1", name="Off", newsroom_id="n1", enabled=False, config=email)
    )
    await channels.save(Channel(id="c4", tenant_id="t1", name="N2", newsroom_id="n2", config=email))
    served = await channels.serving("t1", "n1")
    assert sorted(c.id for c in served) == ["c1", "c2"]
    assert await channels.serving("t2", "n1") == []
    raw = await database["channels"].find_one({"_id": "c1"})
    assert raw is not None
    assert "tok-123" not in str(raw)


async def test_confirmed_subscribers_are_paged_with_whether_they_are_reachable(database) -> None:
    await ensure_indexes(database)
    subscribers = MongoSubscribers(database)
    await subscribers.add_many(
        [
            subscriber("s1").confirm(NOW),
            subscriber("s2"),
            subscriber("s3").confirm(NOW).unsubscribe(NOW),
            subscriber("s4").confirm(NOW).mark_bounced(),
            subscriber("s5", tenant="t2").confirm(NOW),
        ]
    )

    def confirmed(tenant: str) -> Awaitable[list[Subscriber]]:
        return subscribers.confirmed_page(tenant, "n1", after=None, limit=10)

    # Bounced is still confirmed: the fan-out's page counts it, planning skips it.
    assert [(s.id, s.reachable) for s in await confirmed("t1")] == [("s1", True), ("s4", False)]
    assert [s.id for s in await confirmed("t2")] == ["s5"]


async def test_subscribers_page_in_id_order_after_the_last_one_read(database) -> None:
    await ensure_indexes(database)
    subscribers = MongoSubscribers(database)
    await subscribers.add_many(
        [subscriber(f"s{number:02d}").confirm(NOW) for number in (7, 3, 11, 1, 5)]
    )
    pages: list[list[str]] = []
    after: str | None = None
    while True:
        page = await subscribers.confirmed_page("t1", "n1", after=after, limit=2)
        pages.append([s.id for s in page])
        if len(page) < 2:
            break
        after = page[-1].id
    assert pages == [["s01", "s03"], ["s05", "s07"], ["s11"]]
    assert await subscribers.confirmed_page("t2", "n1", after=None, limit=2) == []


async def test_page_ends_come_from_one_cursor_per_fan_out_and_bound_the_page_read(
    database,
) -> None:
    await ensure_indexes(database)
    subscribers = MongoSubscribers(database)
    await subscribers.add_many(
        [
            subscriber(f"s{number:02d}" if tenant == "t1" else f"s{number:02d}-t2", tenant).confirm(
                NOW
            )
            for number, tenant in [(n, "t1") for n in range(1, 8)] + [(4, "t2"), (9, "t2")]
        ]
    )
    event = release_published()
    fan_out = FanOut.start(event, "c1", NOW)
    page_ends = PageEndsByCursor(database, keep=1)
    try:
        assert await page_ends(fan_out, 3) == "s03"
        # Asked again for the same position (its transaction ran again): the same answer.
        assert await page_ends(fan_out, 3) == "s03"
        # The page in between, read in its transaction as the subscribers are by then.
        await subscribers.save((await subscribers.of_ids("t1", ["s02"]))["s02"].unsubscribe(NOW))
        page = await subscribers.confirmed_page("t1", "n1", after=None, limit=3, up_to="s03")
        assert [s.id for s in page] == ["s01", "s03"]
        fan_out = fan_out.advanced(page, 2, NOW, 3, up_to="s03")
        assert await page_ends(fan_out, 3) == "s06"
        # Fewer than a page left: no bound, the last page reads to the end (another tenant's
        # subscribers are never counted).
        assert await page_ends(replace(fan_out, after="s06"), 3) is None
        # A fan-out moved on elsewhere gets a fresh cursor from where it is.
        assert await page_ends(replace(fan_out, after="s01"), 3) == "s05"
        # Cursors of other fan-outs are closed beyond ``keep``; each still answers.
        other = replace(fan_out, id="other", after=None)
        assert await page_ends(other, 2) == "s03"  # s02 left above
        assert await page_ends(replace(fan_out, after="s05"), 3) is None
    finally:
        await page_ends.close()


async def test_ready_pages_are_leased_whole_oldest_first_and_taken_again_after_their_lease(
    database,
) -> None:
    queue = MongoReadyQueue(database)
    await queue.put("t1", [f"a{i}" for i in range(READY_PAGE + 10)], NOW)
    await queue.put("t2", ["b1"], NOW + timedelta(seconds=1))
    assert await queue.backlog() == 3
    # Room for 50: still one whole page (never split), the oldest.
    [first] = await queue.take(50, NOW, claim="a", lease_until=NOW + LEASE)
    assert (first.tenant_id, first.delivery_ids, first.takes) == (
        "t1",
        [f"a{i}" for i in range(READY_PAGE)],
        1,
    )
    soon = NOW + timedelta(seconds=1)
    taken = await queue.take(READY_PAGE, soon, claim="b", lease_until=NOW + LEASE)
    assert [(p.tenant_id, p.delivery_ids) for p in taken] == [
        ("t1", [f"a{i}" for i in range(READY_PAGE, READY_PAGE + 10)]),
        ("t2", ["b1"]),
    ]
    # All leased: nothing to take until a lease runs out.
    assert await queue.take(READY_PAGE, soon, claim="c", lease_until=NOW + LEASE) == []
    await queue.finish([first.id], "b")  # not its claim: stays
    assert await queue.backlog() == 3
    await queue.finish([first.id], "a")
    assert await queue.backlog() == 2
    # Their taker died: taken again once the lease has run out, with the count of takes.
    later = NOW + LEASE + timedelta(seconds=1)
    again = await queue.take(READY_PAGE, later, claim="d", lease_until=later + LEASE)
    assert [(p.id, p.takes) for p in again] == [(p.id, 2) for p in taken]


async def test_claiming_by_id_takes_only_fresh_pending_deliveries_of_the_tenant(database) -> None:
    await ensure_indexes(database)
    deliveries = MongoDeliveries(database)
    fresh, attempted, cancelled = (planned("t1", f"s{i}") for i in range(3))
    await deliveries.add_new([fresh, attempted.start_attempt(), cancelled.cancel(NOW, "gone")])
    ids = [fresh.id, attempted.id, cancelled.id]
    assert await deliveries.claim_ids("t2", ids, NOW, owner="w", claim="x", lease_until=NOW) == []
    [claimed] = await deliveries.claim_ids(
        "t1", ids, NOW, owner="w", claim="c", lease_until=NOW + LEASE
    )
    assert claimed.id == fresh.id
    assert (claimed.status, claimed.attempts, claimed.next_attempt_at) == (
        DeliveryStatus.SENDING,
        1,
        NOW + LEASE,
    )
    assert await deliveries.claim_ids("t1", ids, NOW, owner="w", claim="d", lease_until=NOW) == []


async def test_a_fan_out_advances_only_from_the_page_it_was_read_at(database) -> None:
    await ensure_indexes(database)
    fan_outs = MongoFanOuts(database)
    event = release_published()
    started = FanOut.start(event, "c1", NOW)
    assert await fan_outs.start(started) is True
    assert await fan_outs.start(started) is False  # the release published again
    assert await fan_outs.get("t2", started.id) is None
    opened = await fan_outs.next_open()
    assert opened == started
    assert opened.release_event() == event
    page = [subscriber("s1")] * 2
    await fan_outs.advance(started, started.advanced(page, 2, NOW, page_size=2))
    # A second planner that read the same fan-out before the first one advanced it.
    with pytest.raises(FanOutMovedError):
        await fan_outs.advance(started, started.advanced(page, 2, NOW, page_size=2))
    current = await fan_outs.get("t1", started.id)
    assert current is not None
    assert (current.after, current.pages, current.done) == ("s1", 1, False)
    assert await fan_outs.close_release("t1", "r1", NOW) == 1
    assert await fan_outs.next_open() is None


async def test_finishing_many_writes_each_delivery_its_own_state_under_its_own_claim(
    database,
) -> None:
    await ensure_indexes(database)
    deliveries = MongoDeliveries(database)
    await deliveries.add_new([planned("t1", f"s{i}") for i in range(40)])
    ids = [d.id for d in await deliveries.of_release("t1", "r1")]
    mine = await deliveries.claim_ids("t1", ids[:30], NOW, owner="w", claim="a", lease_until=NOW)
    theirs = await deliveries.claim_ids("t1", ids[30:], NOW, owner="v", claim="b", lease_until=NOW)
    later = NOW + timedelta(seconds=5)
    finished = [(d.succeed(later, f"<{d.id}@acme.example>", None), "a") for d in mine[:20]] + [
        (d.fail(f"550 no such user {n}", permanent=True), "a") for n, d in enumerate(mine[20:])
    ]
    finished += [(theirs[0].succeed(later, "<x@acme.example>", None), "b")]
    # A claim another worker took over in the meantime: not written.
    finished += [(theirs[1].succeed(later, "<y@acme.example>", None), "a")]
    assert await deliveries.finish_many(finished) == 31
    stored = {d.id: d for d in await deliveries.of_release("t1", "r1")}
    for delivery, _ in finished[:-1]:
        assert stored[delivery.id] == delivery
    assert stored[theirs[1].id] == theirs[1]  # still sending under claim "b"
    raw = await database["deliveries"].find_one({"_id": mine[0].id})
    assert raw is not None
    assert "claim" not in raw
    assert "owner" not in raw


async def test_startup_makes_the_ready_queue_so_no_transaction_has_to(database) -> None:
    await ensure_indexes(database)
    await ensure_indexes(database)  # a restart, or a second replica
    assert "ready" in await database.list_collection_names()


class FindLog(monitoring.CommandListener):
    def __init__(self) -> None:
        self.finds: list[dict[str, object]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name == "find":
            self.finds.append(dict(event.command))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None: ...

    def failed(self, event: monitoring.CommandFailedEvent) -> None: ...


async def test_cancelling_a_channel_or_recipients_reads_through_an_index(database, infra) -> None:
    """Rare, but over a tenant's whole history: a collection scan would read every tenant's."""
    await ensure_indexes(database)
    log = FindLog()
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
        infra.mongodb_uri, event_listeners=[log]
    )
    try:
        db = client[database.name]
        deliveries = MongoDeliveries(db)
        await deliveries.add_new([planned("t1", f"s{i}") for i in range(3)])
        await deliveries.add_new([replace(planned("t1", "s9"), release_id="r2")])
        log.finds.clear()
        assert await deliveries.cancel_pending("t1", reason="x", now=NOW, channel_id="c1") == 4
        assert await deliveries.cancel_pending("t1", reason="x", now=NOW, recipients=["s9"]) == 0
        finds = [find for find in log.finds if find["find"] == "deliveries"]
        assert len(finds) == 2
        plans = []
        for find in finds:
            command = {k: v for k, v in find.items() if k not in ("lsid", "$db", "$clusterTime")}
            explained = await db.command("explain", command)
            plans.append(json.dumps(explained["queryPlanner"]["winningPlan"], default=str))
    finally:
        await client.close()
    assert plans
    assert all('"IXSCAN"' in plan for plan in plans), plans


async def test_outcomes_of_held_deliveries_are_written_only_over_never_attempted_ones(
    database,
) -> None:
    """A delivery its ready page holds has nothing written on it until its outcome: the
    outcome is written only if it is still never attempted, and says which claim wrote it."""
    await ensure_indexes(database)
    deliveries = MongoDeliveries(database)
    fresh, taken_over, cancelled = (planned("t1", f"s{i}") for i in range(3))
    await deliveries.add_new([fresh, taken_over, cancelled])
    # Meanwhile another worker recorded one, and an unsubscribe cancelled another.
    await deliveries.finish_many(
        [(taken_over.start_attempt().succeed(NOW, "<theirs>", None), "b")], written=False
    )
    await deliveries.update_many([cancelled.cancel(NOW, "unsubscribed")])
    later = NOW + timedelta(seconds=5)
    mine = [
        (d.start_attempt().succeed(later, f"<{d.id}>", None), "a")
        for d in (fresh, taken_over, cancelled)
    ]
    assert await deliveries.finish_many(mine, written=False) == 1
    ids = [fresh.id, taken_over.id, cancelled.id]
    assert await deliveries.recorded_by("t1", ids, "a") == {fresh.id}
    assert await deliveries.recorded_by("t2", ids, "a") == set()
    # The email went out during the cancellation: its outcome is written over it.
    assert await deliveries.overwrite_cancelled([mine[2][0], mine[1][0]], "a") == 1
    assert await deliveries.recorded_by("t1", ids, "a") == {fresh.id, cancelled.id}
    stored = {d.id: d for d in await deliveries.of_ids("t1", ids)}
    assert stored[fresh.id] == mine[0][0]
    assert stored[cancelled.id].status is DeliveryStatus.SENT
    assert stored[taken_over.id].remote_id == "<theirs>"


async def test_suppressions_are_found_by_tenant_and_address_and_old_entries_are_adopted(
    database,
) -> None:
    """Entries are keyed by (tenant, address); one stored before that (an ObjectId ``_id``) is
    given its key at startup, and never goes missing."""
    legacy = {"tenant_id": "t1", "email": "old@example.org", "reason": "bounce", "created_at": NOW}
    await database["suppressions"].insert_one(legacy)  # the driver gives it an ObjectId
    await ensure_indexes(database)
    await ensure_indexes(database)  # a second replica starting: nothing left to adopt
    suppressions = MongoSuppressions(database)
    await suppressions.add(Suppression("t1", "new@example.org", SuppressionReason.COMPLAINT, NOW))
    await suppressions.add(Suppression("t2", "old@example.org", SuppressionReason.MANUAL, NOW))
    emails = ["old@example.org", "new@example.org", "other@example.org"]
    assert await suppressions.suppressed("t1", emails) == {"old@example.org", "new@example.org"}
    assert await suppressions.suppressed("t2", emails) == {"old@example.org"}
    assert await suppressions.suppressed("t3", emails) == set()
    # Adding again keeps the first date, takes the latest reason.
    later = NOW + timedelta(days=1)
    await suppressions.add(Suppression("t1", "old@example.org", SuppressionReason.MANUAL, later))
    stored = await suppressions.get("t1", "old@example.org")
    assert stored == Suppression("t1", "old@example.org", SuppressionReason.MANUAL, NOW)
    assert await database["suppressions"].count_documents({}) == 3
    assert await suppressions.remove("t1", "old@example.org") is True
    assert await suppressions.suppressed("t1", emails) == {"new@example.org"}
    assert [s.email for s in await suppressions.page("t1", None, 10)] == ["new@example.org"]


def sent_by(delivery: Delivery, claim: str = "a") -> tuple[Delivery, str]:
    """The delivery's first attempt, sent, as held by ``claim``."""
    return delivery.start_attempt().succeed(NOW, f"<{delivery.id}@acme.example>", None), claim


async def test_logged_outcomes_show_on_every_read_of_their_tenant_until_folded(database) -> None:
    """Sent emails logged (not written on their deliveries) read as sent everywhere: by id, by
    release, in pages filtered by status, in counts, in a subscriber's export; never for
    another tenant's delivery of the same id. Folding writes them on the deliveries as their
    writer would have (over a cancellation too: the email went out), leaves a delivery
    attempted since as it is, and empties the log."""
    await ensure_indexes(database)
    deliveries = MongoDeliveries(database)
    fresh, cancelled, pending, attempted, foreign = (planned("t1", f"s{i}") for i in range(5))
    await deliveries.add_new([fresh, cancelled, pending, attempted, foreign])
    await deliveries.update_many([cancelled.cancel(NOW, "unsubscribed")])
    [taken] = await deliveries.claim_ids(
        "t1", [attempted.id], NOW, owner="w", claim="b", lease_until=NOW
    )
    await deliveries.log_sent([sent_by(fresh), sent_by(cancelled), sent_by(attempted)])
    # An entry of another tenant under a t1 delivery's id: never shown on it, never folded.
    await deliveries.log_sent([sent_by(replace(foreign, tenant_id="t2"))])

    async def statuses() -> dict[str, DeliveryStatus]:
        return {d.id: d.status for d in await deliveries.of_release("t1", "r1")}

    shown = {
        fresh.id: DeliveryStatus.SENT,
        cancelled.id: DeliveryStatus.SENT,
        pending.id: DeliveryStatus.PENDING,
        attempted.id: DeliveryStatus.SENDING,
        foreign.id: DeliveryStatus.PENDING,
    }
    assert await statuses() == shown
    got = await deliveries.get("t1", fresh.id)
    assert got is not None
    assert got == sent_by(fresh)[0]
    assert await deliveries.get("t2", fresh.id) is None
    assert {d.id: d.status for d in await deliveries.of_ids("t1", list(shown))} == shown
    assert {d.status for d in await deliveries.to_recipients("t1", ["s0", "s1"])} == {
        DeliveryStatus.SENT
    }

    async def page(status: str | None, after_id: str | None = None) -> list[str]:
        found = await deliveries.page_of_release(
            "t1", "r1", channel_id="c1", status=status, after_id=after_id, limit=1
        )
        return [d.id for d in found]

    by_id = sorted(shown)
    sent = [i for i in by_id if shown[i] is DeliveryStatus.SENT]
    waiting = [i for i in by_id if shown[i] is DeliveryStatus.PENDING]
    assert await page("sent") == sent[:1]
    assert await page("sent", sent[0]) == sent[1:]
    assert await page("sent", sent[1]) == []
    assert await page("pending") == waiting[:1]
    assert await page("pending", waiting[0]) == waiting[1:]
    assert await page("cancelled") == []
    assert await deliveries.counts_of_release("t1", "r1") == {
        ("c1", "sent"): 2,
        ("c1", "pending"): 2,
        ("c1", "sending"): 1,
    }

    # Sent: nothing to cancel (the unsubscribe came after the email).
    assert await deliveries.cancel_pending("t1", reason="x", now=NOW, recipients=["s0"]) == 0

    assert await deliveries.fold_logged(100) == 4
    assert await database[OUTCOMES_COLLECTION].count_documents({}) == 0
    assert await statuses() == shown
    stored = {d["_id"]: d for d in await database["deliveries"].find({}).to_list()}
    assert stored[fresh.id]["status"] == "sent"
    assert stored[fresh.id]["recorded_by"] == "a"
    assert stored[cancelled.id]["status"] == "sent"
    assert stored[cancelled.id]["remote_id"] == f"<{cancelled.id}@acme.example>"
    assert taken.status is DeliveryStatus.SENDING
    assert stored[attempted.id]["claim"] == "b"
    assert stored[foreign.id]["status"] == "pending"


async def test_a_due_delivery_with_a_logged_outcome_is_folded_not_claimed(database) -> None:
    """An email whose ready page's hold ran out with its outcome still in the log was sent:
    the search for due work folds it instead of sending it again."""
    await ensure_indexes(database)
    deliveries = MongoDeliveries(database)
    logged, due = planned("t1", "s1"), planned("t1", "s2")
    await deliveries.add_new([logged, due])
    await deliveries.log_sent([sent_by(logged)])
    claimed = await deliveries.claim_due(NOW, 10, owner="w", claim="w", lease_until=NOW + LEASE)
    assert [d.id for d in claimed] == [due.id]
    stored = await database["deliveries"].find_one({"_id": logged.id})
    assert stored is not None
    assert (stored["status"], stored["attempts"]) == ("sent", 1)
    assert await database[OUTCOMES_COLLECTION].count_documents({}) == 0
