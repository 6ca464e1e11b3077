"""The MongoDB adapters against the real local server: queries, conditions, transactions."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from newsroom_shared.events.envelope import envelope_for
from newsroom_shared.events.publisher import ReleaseWithdrawn
from newsroom_shared.mongo import make_client
from newsroom_shared.outbox import Outbox
from publisher.adapters.mongo.indexes import ensure_indexes
from publisher.adapters.mongo.unit_of_work import MongoUnitOfWork
from publisher.domain.content import ContentChanges
from publisher.domain.errors import AlreadyExistsError, ConcurrentModificationError
from publisher.domain.history import ReleaseVersion
from publisher.domain.media import MediaFact, MediaItem
from publisher.domain.newsroom import Newsroom
from publisher.domain.release import Release
from publisher.domain.workflow import Status
from publisher.service.ports import PublicPosition, ReleaseFilter

pytestmark = pytest.mark.connected

NOW = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
TENANT = "a" * 24


@pytest.fixture
async def uow_factory(mongo_client, database):
    await ensure_indexes(database)
    outbox = Outbox(database)
    await outbox.ensure_indexes()  # as the service's runtime does at startup

    def make(**options) -> MongoUnitOfWork:
        return MongoUnitOfWork(
            mongo_client, database, outbox, lambda e: envelope_for(e, source="/test"), **options
        )

    return make


def a_release(title: str = "News", tenant_id: str = TENANT, **changes) -> Release:
    return Release.draft(
        tenant_id=tenant_id,
        newsroom_id="n1",
        default_language="en",
        changes=ContentChanges(title=title, **changes),
        known_media={},
        actor="k",
        now=NOW,
    )


async def test_a_release_round_trips_with_its_version_snapshot(uow_factory) -> None:
    release = a_release(tags=["a"], media_ids=["m1"], social_card_media_id="m1", body="<p>x</p>")
    async with uow_factory() as uow:
        await uow.releases.add(release)
        await uow.versions.add(ReleaseVersion.capture(release))
    async with uow_factory(transactional=False) as uow:
        assert await uow.releases.get(TENANT, release.id) == release
        assert await uow.releases.get("b" * 24, release.id) is None
        stored = await uow.versions.get(TENANT, release.id, 1)
        assert stored is not None
        assert stored.snapshot == release


async def test_a_release_is_read_with_its_newsroom_in_one_command_within_the_tenant(
    uow_factory,
) -> None:
    newsroom = Newsroom.create(tenant_id=TENANT, name="Acme", default_language="en", now=NOW)
    release = a_release()
    release.newsroom_id = newsroom.id
    orphan = a_release("Its newsroom is gone")  # newsroom "n1" was never stored
    async with uow_factory() as uow:
        await uow.newsrooms.add(newsroom)
        await uow.releases.add(release)
        await uow.releases.add(orphan)
    async with uow_factory() as uow:  # in a transaction, as commands read it
        assert await uow.releases.get_with_newsroom(TENANT, release.id) == (release, newsroom)
        assert await uow.releases.get_with_newsroom(TENANT, orphan.id) == (orphan, None)
        assert await uow.releases.get_with_newsroom("b" * 24, release.id) is None


async def test_save_is_conditional_on_the_version_read(uow_factory) -> None:
    release = a_release()
    async with uow_factory() as uow:
        await uow.releases.add(release)
    release.submit(requires_approval=False, actor="k", now=NOW)
    with pytest.raises(ConcurrentModificationError):
        async with uow_factory() as uow:
            await uow.releases.save(release, expected_version=7)
    async with uow_factory() as uow:
        await uow.releases.save(release, expected_version=1)
        assert (await uow.releases.get(TENANT, release.id)).status is Status.IN_REVIEW


@pytest.fixture
async def own_client_uows(infra, database):
    """Units of work on a client of their own, whose server sessions are new to the server.
    In two full runs the test below timed out with one transaction's first read unanswered by
    the local server; the suspicion (not reproduced) is a session of the run's shared client
    that another test's ``killAllSessions`` had ended."""
    client = make_client(infra.mongodb_uri)
    own_db = client[database.name]
    outbox = Outbox(own_db)

    def make(**options) -> MongoUnitOfWork:
        return MongoUnitOfWork(
            client, own_db, outbox, lambda e: envelope_for(e, source="/test"), **options
        )

    yield make
    await client.close()


async def test_concurrent_transactions_on_one_release_let_one_win(
    uow_factory, own_client_uows
) -> None:
    release = a_release()
    async with uow_factory() as uow:
        await uow.releases.add(release)
    uow_factory = own_client_uows
    both_read = asyncio.Barrier(2)

    async def publish(actor: str) -> str:
        try:
            async with uow_factory() as uow:
                mine = await uow.releases.get(TENANT, release.id)
                await both_read.wait()
                mine.publish(requires_approval=False, actor=actor, now=NOW)
                await uow.releases.save(mine, expected_version=1)
                uow.emit(
                    ReleaseWithdrawn(
                        tenant_id=TENANT, release_id=mine.id, newsroom_id="n1", withdrawn_at=NOW
                    )
                )
            return "won"
        except ConcurrentModificationError:
            return "lost"

    results = await asyncio.gather(publish("one"), publish("two"))
    assert sorted(results) == ["lost", "won"]
    async with uow_factory(transactional=False) as uow:
        assert (await uow.releases.get(TENANT, release.id)).version == 2
    outbox = uow_factory()._outbox
    assert await outbox.count_unsent() == 1  # the loser's event went with its transaction


async def test_an_aborted_transaction_leaves_nothing(uow_factory) -> None:
    release = a_release()

    async def add_then_fail() -> None:
        async with uow_factory() as uow:
            await uow.releases.add(release)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await add_then_fail()
    async with uow_factory(transactional=False) as uow:
        assert await uow.releases.get(TENANT, release.id) is None


async def test_slugs_and_listings(uow_factory) -> None:
    first, second, other = a_release("Big news"), a_release("Big news"), a_release("Big newsroom")
    second.rename("big-news-2")
    second.publish(requires_approval=False, actor="k", now=NOW)
    first.publish(requires_approval=False, actor="k", now=NOW + timedelta(minutes=1))
    async with uow_factory() as uow:
        for release in (first, second, other):
            await uow.releases.add(release)
    with pytest.raises(ConcurrentModificationError):
        async with uow_factory() as uow:
            await uow.releases.add(a_release("Big news"))  # slug taken in the newsroom
    async with uow_factory(transactional=False) as uow:
        assert await uow.releases.slugs_taken(TENANT, "n1", "big-news") == {
            "big-news",
            "big-news-2",
        }
        published = await uow.releases.list_published(
            TENANT, "n1", tag=None, language=None, after=None, limit=10
        )
        assert [r.id for r in published] == [first.id, second.id]
        after = PublicPosition(first.published_at, first.id)
        rest = await uow.releases.list_published(
            TENANT, "n1", tag=None, language="en", after=after, limit=10
        )
        assert [r.id for r in rest] == [second.id]
        drafts = await uow.releases.page(
            TENANT, ReleaseFilter(status=Status.DRAFT), after_id=None, limit=10
        )
        assert [r.id for r in drafts] == [other.id]
        window = ReleaseFilter(published_from=NOW, published_to=NOW + timedelta(seconds=30))
        assert [r.id for r in await uow.releases.page(TENANT, window, after_id=None, limit=9)] == [
            second.id
        ]


async def test_due_work_spans_tenants_in_due_order(uow_factory) -> None:
    late, early = a_release("Late"), a_release("Early", tenant_id="b" * 24)
    late.schedule(NOW + timedelta(hours=2), requires_approval=False, actor="k", now=NOW)
    early.embargo(NOW + timedelta(hours=1), requires_approval=False, actor="k", now=NOW)
    async with uow_factory() as uow:
        await uow.releases.add(late)
        await uow.releases.add(early)
        assert await uow.releases.due(NOW, limit=10) == []
        due = await uow.releases.due(NOW + timedelta(hours=3), limit=10)
    assert [(d.tenant_id, d.release_id) for d in due] == [
        ("b" * 24, early.id),
        (TENANT, late.id),
    ]


async def test_newsroom_slugs_are_unique_across_tenants(uow_factory) -> None:
    def room(tenant_id: str) -> Newsroom:
        return Newsroom.create(tenant_id=tenant_id, name="Acme", default_language="en", now=NOW)

    async with uow_factory() as uow:
        await uow.newsrooms.add(room(TENANT))
    with pytest.raises(AlreadyExistsError):
        async with uow_factory() as uow:
            await uow.newsrooms.add(room("b" * 24))
    async with uow_factory(transactional=False) as uow:
        assert (await uow.newsrooms.get_by_slug("acme")).tenant_id == TENANT


async def test_media_items_are_kept_per_tenant(uow_factory) -> None:
    item = MediaItem(TENANT, "m1", MediaFact.PROCESSED, NOW, NOW)
    async with uow_factory() as uow:
        await uow.media.put(item)
        await uow.media.put(MediaItem("b" * 24, "m1", MediaFact.REJECTED, NOW, NOW))
    async with uow_factory(transactional=False) as uow:
        assert await uow.media.get_many(TENANT, ["m1", "m2"]) == {"m1": item}
