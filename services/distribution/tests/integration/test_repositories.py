"""The Mongo repositories against the local MongoDB-protocol server: idempotent planning, atomic
claims with leases, and every query confined to its tenant."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from pymongo import AsyncMongoClient, monitoring

from distribution.adapters.crypto import CredentialCipher, new_key
from distribution.adapters.mongo.channels import MongoChannels
from distribution.adapters.mongo.deliveries import MongoDeliveries
from distribution.adapters.mongo.fanouts import FanOutMovedError, MongoFanOuts
from distribution.adapters.mongo.indexes import ensure_indexes
from distribution.adapters.mongo.releases import MongoReleases
from distribution.adapters.mongo.subscribers import MongoSubscribers
from distribution.adapters.mongo.suppressions import MongoSuppressions
from distribution.domain.channels import Channel, EmailConfig, MastodonConfig
from distribution.domain.delivery import Delivery, DeliveryStatus
from distribution.domain.fanouts import FanOut
from distribution.domain.subscribers import Consent, Subscriber
from distribution.domain.suppressions import Suppression, SuppressionReason
from newsroom_shared.events.publisher import ReleasePublished
from newsroom_shared.mongo import Database

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


async def test_release_facts_keep_the_latest_version_and_text_as_it_came(database) -> None:
    await ensure_indexes(database)
    releases = MongoReleases(database)
    second = release_published().model_copy(update={"version": 2, "title": "$title v2"})
    await releases.remember(second, newsroom_name="Acme")
    await releases.remember(release_published())  # version 1, arriving late: changes nothing
    stored = (await releases.of_ids("t1", ["r1"]))["r1"]
    assert (stored["version"], stored["title"], stored["newsroom_name"]) == (2, "$title v2", "Acme")

    third = release_published().model_copy(update={"version": 3, "title": "Title v3"})
    returned = await releases.remember(third)
    stored = (await releases.of_ids("t1", ["r1"]))["r1"]
    assert (stored["version"], stored["title"], stored["newsroom_name"]) == (3, "Title v3", "Acme")
    assert returned == stored  # what the planner hands to the worker is what a read gives
    assert await database["releases"].count_documents({}) == 1


async def test_remembering_an_older_version_returns_the_later_one_stored(database) -> None:
    await ensure_indexes(database)
    releases = MongoReleases(database)
    await releases.remember(release_published().model_copy(update={"version": 2, "title": "v2"}))
    returned = await releases.remember(release_published())  # version 1, late
    assert (returned["version"], returned["title"]) == (2, "v2")


async def test_deliveries_planned_claimed_are_leased_like_any_claim(database) -> None:
    await ensure_indexes(database)
    deliveries = MongoDeliveries(database)
    batch = [planned("t1", f"s{i}").claimed_until(NOW + LEASE, NOW) for i in range(2)]

    new = await deliveries.add_new(batch, claim=("w", "w-claim"))

    assert new == batch
    stored = {d.id: d for d in await deliveries.of_release("t1", "r1")}
    assert stored == {d.id: d for d in batch}  # as the planner holds them (one command)
    assert {d.status for d in stored.values()} == {DeliveryStatus.SENDING}
    assert await database["deliveries"].count_documents({"claim": "w-claim", "owner": "w"}) == 2
    # Nobody else's due search takes them while the lease holds; after it, anyone's does
    # (the planning process died), marked as possibly posted.
    assert await deliveries.claim_due(NOW, 10, owner="x", claim="x", lease_until=NOW) == []
    later = NOW + LEASE
    taken = await deliveries.claim_due(later, 10, owner="x", claim="x", lease_until=later + LEASE)
    assert {d.id for d in taken} == set(stored)
    assert all(d.outcome_unknown and d.attempts == 2 for d in taken)


async def test_planning_claimed_leaves_deliveries_stored_before_alone(database) -> None:
    await ensure_indexes(database)
    deliveries = MongoDeliveries(database)
    before = planned("t1", "s1")
    await deliveries.add_new([before])
    again = [before.claimed_until(NOW + LEASE, NOW), planned("t1", "s2").claimed_until(NOW, NOW)]

    new = await deliveries.add_new(again, claim=("w", "w-claim"))

    assert [d.recipient for d in new] == ["s2"]  # only the new one is the planner's to attempt
    [first] = [d for d in await deliveries.of_release("t1", "r1") if d.id == before.id]
    assert first == before  # still pending, unclaimed
    assert await database["deliveries"].count_documents({"claim": "w-claim"}) == 1


async def test_two_workers_racing_claim_disjoint_sets_across_tenants(database) -> None:
    await ensure_indexes(database)
    deliveries = MongoDeliveries(database)
    for tenant in ("t1", "t2"):
        await deliveries.add_new([planned(tenant, f"{tenant}-s{i}") for i in range(20)])

    async def worker(name: str) -> list[Delivery]:
        """Claims 7 at a time until nothing is left (each claim under its own token)."""
        taken: list[Delivery] = []
        while batch := await deliveries.claim_due(
            NOW, 7, owner=name, claim=f"{name}{len(taken)}", lease_until=NOW + LEASE
        ):
            taken += batch
        return taken

    first, second = await asyncio.gather(worker("a"), worker("b"))
    ids_a, ids_b = {d.id for d in first}, {d.id for d in second}
    assert len(first) == len(ids_a)
    assert len(second) == len(ids_b)
    assert not ids_a & ids_b
    assert len(ids_a | ids_b) == 40
    assert all(d.status is DeliveryStatus.SENDING and d.attempts == 1 for d in first + second)
    assert all(d.next_attempt_at == NOW + LEASE for d in first + second)
    stored = await database["deliveries"].find({}, {"owner": 1}).to_list()
    assert {d["_id"]: d["owner"] for d in stored} == {i: "a" for i in ids_a} | {
        i: "b" for i in ids_b
    }
    assert await deliveries.claim_due(NOW, 20, owner="c", claim="c", lease_until=NOW + LEASE) == []


async def test_a_claim_takes_only_due_deliveries_oldest_first(database) -> None:
    await ensure_indexes(database)
    deliveries = MongoDeliveries(database)
    old, new, later, cancelled = (planned("t1", f"s{i}") for i in range(4))
    await deliveries.add_new(
        [
            replace(old, next_attempt_at=NOW - timedelta(minutes=5)),
            new,
            replace(later, next_attempt_at=NOW + timedelta(minutes=5)),
            cancelled.cancel(NOW, "gone"),
        ]
    )
    [first] = await deliveries.claim_due(NOW, 1, owner="w", claim="a", lease_until=NOW + LEASE)
    assert first.id == old.id
    [second] = await deliveries.claim_due(NOW, 5, owner="w", claim="b", lease_until=NOW + LEASE)
    assert second.id == new.id
    assert await deliveries.claim_due(NOW, 5, owner="w", claim="c", lease_until=NOW) == []


async def test_a_claim_whose_lease_ran_out_is_taken_again_and_the_old_claim_writes_nothing(
    database,
) -> None:
    await ensure_indexes(database)
    deliveries = MongoDeliveries(database)
    await deliveries.add_new([planned("t1", "s1")])
    [dead] = await deliveries.claim_due(
        NOW, 10, owner="dead", claim="dead", lease_until=NOW + LEASE
    )
    assert not dead.outcome_unknown
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
    # Taken over from a `sending` whose worker died: a post may exist that no one recorded.
    assert again.outcome_unknown
    assert again.first_attempt_at == NOW
    # The dead worker's late result no longer counts; the new claim's does.
    assert await deliveries.claimed("t1", dead.id, "dead") is None
    assert await deliveries.claimed_many([("t1", dead.id, "dead")]) == {}
    assert await deliveries.finish_many([(dead.retry_at(later, "late"), "dead")]) == 0
    assert await deliveries.finish_many([(again.succeed(later, None, None), "w2")]) == 1
    stored = await deliveries.get("t1", dead.id)
    assert stored is not None
    assert stored.status is DeliveryStatus.SENT


async def test_claimed_deliveries_are_what_the_database_now_holds(database) -> None:
    # Claimed without a read-back when the update took every candidate: the claim's copy must
    # equal a fresh read, times to the millisecond included.
    await ensure_indexes(database)
    deliveries = MongoDeliveries(database)
    await deliveries.add_new([planned("t1", "s1")])
    await deliveries.claim_due(NOW, 10, owner="dead", claim="dead", lease_until=NOW + LEASE)
    await deliveries.add_new([planned("t1", "s2")])
    later = NOW + LEASE * 2 + timedelta(microseconds=123_456)
    claimed = await deliveries.claim_due(later, 10, owner="w", claim="w", lease_until=later + LEASE)
    assert len(claimed) == 2
    for delivery in claimed:
        assert delivery == await deliveries.get("t1", delivery.id)


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
    await fan_outs.advance(started, started.advanced(page, 2, NOW, 2))
    # A second planner that read the same fan-out before the first one advanced it.
    with pytest.raises(FanOutMovedError):
        await fan_outs.advance(started, started.advanced(page, 2, NOW, 2))
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
    lease_until = NOW + LEASE
    mine = await deliveries.claim_due(NOW, 30, owner="w", claim="a", lease_until=lease_until)
    theirs = await deliveries.claim_due(NOW, 30, owner="v", claim="b", lease_until=lease_until)
    assert sorted(d.id for d in mine + theirs) == sorted(ids)
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


class CommandLog(monitoring.CommandListener):
    def __init__(self) -> None:
        self.commands: list[dict[str, object]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.commands.append(dict(event.command))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None: ...

    def failed(self, event: monitoring.CommandFailedEvent) -> None: ...


async def test_cancelling_a_channel_or_recipients_is_one_update_an_index_serves(
    database, infra
) -> None:
    """Rare, but over a tenant's whole history: one update command, whose filter names the
    leading fields of one of the collection's indexes (the plan itself is the server's: the
    local server's planner is not MongoDB's)."""
    await ensure_indexes(database)
    log = CommandLog()
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
        infra.mongodb_uri, event_listeners=[log]
    )
    try:
        deliveries = MongoDeliveries(client[database.name])
        await deliveries.add_new([planned("t1", f"s{i}") for i in range(3)])
        await deliveries.add_new([replace(planned("t1", "s9"), release_id="r2")])
        await deliveries.add_new([planned("t2", "u9")])
        log.commands.clear()
        assert await deliveries.cancel_pending("t1", reason="x", now=NOW, channel_id="c1") == 4
        assert await deliveries.cancel_pending("t2", reason="x", now=NOW, recipients=["u9"]) == 1
        commands = list(log.commands)
    finally:
        await client.close()
    assert [c.get("update") for c in commands] == ["deliveries", "deliveries"]
    for command in commands:
        [statement] = command["updates"]  # type: ignore[misc]
        named = set(statement["q"])
        assert any({field for field, _ in keys[:2]} <= named for keys in MongoDeliveries.INDEXES), (
            statement["q"]
        )


async def test_suppressions_are_found_by_tenant_and_address(database) -> None:
    await ensure_indexes(database)
    suppressions = MongoSuppressions(database)
    await suppressions.add(Suppression("t1", "old@example.org", SuppressionReason.BOUNCE, NOW))
    await suppressions.add(Suppression("t1", "new@example.org", SuppressionReason.COMPLAINT, NOW))
    await suppressions.add(Suppression("t2", "old@example.org", SuppressionReason.MANUAL, NOW))
    emails = ["old@example.org", "new@example.org", "other@example.org"]
    assert await suppressions.suppressed("t1", emails) == {"old@example.org", "new@example.org"}
    assert await suppressions.suppressed("t2", emails) == {"old@example.org"}
    assert await suppressions.suppressed("t3", emails) == set()
    assert await suppressions.get("t3", "old@example.org") is None
    # Adding again keeps the first date, takes the latest reason.
    later = NOW + timedelta(days=1)
    await suppressions.add(Suppression("t1", "old@example.org", SuppressionReason.MANUAL, later))
    stored = await suppressions.get("t1", "old@example.org")
    assert stored == Suppression("t1", "old@example.org", SuppressionReason.MANUAL, NOW)
    assert await database["suppressions"].count_documents({}) == 3
    assert await suppressions.remove("t3", "old@example.org") is False
    assert await suppressions.remove("t1", "old@example.org") is True
    assert await suppressions.suppressed("t1", emails) == {"new@example.org"}
    assert [s.email for s in await suppressions.page("t1", None, 10)] == ["new@example.org"]
    assert [s.email for s in await suppressions.page("t2", None, 10)] == ["old@example.org"]


async def test_every_read_of_a_delivery_is_confined_to_its_tenant(database) -> None:
    """Another tenant asking with the same ids, release and recipients finds nothing, and
    changes nothing."""
    await ensure_indexes(database)
    deliveries = MongoDeliveries(database)
    await deliveries.add_new([planned("t1", f"s{i}") for i in range(3)])
    [claimed, *_] = await deliveries.claim_due(
        NOW, 3, owner="w", claim="a", lease_until=NOW + LEASE
    )
    failed = claimed.fail("550 no such user", permanent=True)
    assert await deliveries.finish_many([(replace(failed, tenant_id="t2"), "a")]) == 0
    assert await deliveries.finish_many([(failed, "a")]) == 1
    ids = [d.id for d in await deliveries.of_release("t1", "r1")]
    assert len(ids) == 3
    assert await deliveries.get("t2", ids[0]) is None
    assert await deliveries.of_release("t2", "r1") == []
    assert await deliveries.to_recipients("t2", ["s0", "s1", "s2"]) == []
    assert await deliveries.counts_of_release("t2", "r1") == {}
    page = await deliveries.page_of_release(
        "t2", "r1", channel_id=None, status=None, after_id=None, limit=10
    )
    assert page == []
    assert await deliveries.claimed_many([("t2", i, "a") for i in ids]) == {}
    assert await deliveries.claimed("t2", ids[1], "a") is None
    assert await deliveries.requeue(replace(failed.requeue(NOW), tenant_id="t2")) is False
    assert await deliveries.cancel_pending("t2", reason="x", now=NOW, channel_id="c1") == 0
    await deliveries.mark_recipient_erased("t2", "s0", "digest")
    assert await database["deliveries"].count_documents({"recipient_erased": True}) == 0
    # The owner sees them all.
    assert sum((await deliveries.counts_of_release("t1", "r1")).values()) == 3
    assert await deliveries.requeue(failed.requeue(NOW)) is True


async def test_subscribers_and_fan_outs_are_read_per_tenant(database) -> None:
    await ensure_indexes(database)
    subscribers = MongoSubscribers(database)
    await subscribers.add_many([subscriber("s1").confirm(NOW)])
    assert await subscribers.of_ids("t2", ["s1"]) == {}
    assert list(await subscribers.of_ids("t1", ["s1"])) == ["s1"]
    assert await subscribers.with_email("t2", "s1@example.org") == []
    assert await subscribers.of_newsroom_with_email("t2", "n1", "s1@example.org") is None
    fan_outs = MongoFanOuts(database)
    started = FanOut.start(release_published(), "c1", NOW)
    await fan_outs.start(started)
    assert await fan_outs.get("t2", started.id) is None
    assert await fan_outs.close_release("t2", "r1", NOW) == 0


async def test_startup_drops_the_collections_of_earlier_versions_and_keeps_the_rest(
    database: Database,
) -> None:
    await database["delivery_outcomes"].insert_one({"old": True})
    await database["ready"].insert_one({"old": True})
    await database["deliveries"].insert_one({"_id": "kept", "tenant_id": "t"})

    await ensure_indexes(database)
    await ensure_indexes(database)  # again: nothing left to drop, nothing else touched

    names = set(await database.list_collection_names())
    assert not names & {"delivery_outcomes", "ready"}
    assert await database["deliveries"].count_documents({"_id": "kept"}) == 1
