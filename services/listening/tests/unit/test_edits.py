"""Posts changed at their source, on fakes: an edit re-matches and re-scores the stored
mention, moves it between its queries' counts and emits MentionUpdated once; a stale edit
changes nothing; an edit of a post with no mention is matched as new; a deletion withdraws
the mention; an edited comment goes to matching again (not a staff reply's, not a stale one)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from listening.domain.matching import Matcher
from listening.domain.mentions import Mention
from listening.domain.queries import ListeningQuery
from listening.domain.spikes import Bucket, hour_of
from listening.service.edits import apply_edit, withdraw
from listening.service.intake import comment_edit_to_post, comment_to_post
from listening.service.pipeline import match_post
from listening.service.ports import Deps, MentionFilter
from newsroom_shared.events.comments import CommentEdited, CommentPosted
from newsroom_shared.events.listening import MentionDetected, MentionUpdated, PostFetched

from .conftest import FakeUnitOfWork

NOW = datetime(2030, 1, 1, 9, tzinfo=UTC)
ACME = ListeningQuery.create(tenant_id="t1", name="acme", text="acme", now=NOW - timedelta(days=30))
ANVIL = ListeningQuery.create(tenant_id="t1", name="anvil", text="anvil", now=NOW)
QUERIES = Matcher([ACME, ANVIL])


def post(text: str, edited_at: datetime | None = None, **changes: Any) -> PostFetched:
    values: dict[str, Any] = {
        "tenant_id": "t1",
        "post_key": "mastodon:s1:1",
        "source_kind": "mastodon",
        "source_url": "https://social.example/@jane",
        "text": text,
        "fetched_at": NOW,
        "edited_at": edited_at,
        "source_item": "https://social.example/statuses/1",
    }
    return PostFetched(**(values | changes))


def at(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


async def stored(uow: FakeUnitOfWork, deps: Deps, text: str) -> Mention:
    mention = await match_post(uow, deps, QUERIES, post(text))
    assert mention is not None
    await uow.flush()
    uow.store.outbox.clear()
    return mention


def updates(uow: FakeUnitOfWork) -> list[MentionUpdated]:
    return [event for event in uow.events if isinstance(event, MentionUpdated)]


def bucket(uow: FakeUnitOfWork, query: ListeningQuery) -> Bucket:
    return uow.store.activity[("t1", query.id)].buckets.get(hour_of(NOW), Bucket())


async def test_an_edit_from_neutral_to_angry_flips_the_sentiment_and_the_negative_count(
    uow: FakeUnitOfWork, deps: Deps
) -> None:
    mention = await stored(uow, deps, "Acme shipped my order")
    assert bucket(uow, ACME) == Bucket(1, 0)
    await apply_edit(uow, deps, QUERIES, post("Acme shipped it broken", at(5)))
    await uow.flush()
    revised = uow.store.mentions[mention.id]
    assert (revised.text, revised.sentiment.label, revised.edited_at) == (
        "Acme shipped it broken",
        "negative",
        at(5),
    )
    assert (revised.detected_at, revised.query_ids) == (mention.detected_at, (ACME.id,))
    assert bucket(uow, ACME) == Bucket(1, 1)
    [event] = updates(uow)
    assert (event.mention_id, event.sentiment_label, event.withdrawn) == (
        mention.id,
        "negative",
        None,
    )
    assert (event.added_query_ids, event.removed_query_ids) == ([], [])


async def test_an_edit_without_the_brand_withdraws_the_mention_and_uncounts_it(
    uow: FakeUnitOfWork, deps: Deps
) -> None:
    mention = await stored(uow, deps, "Acme anvil is heavy")
    await apply_edit(uow, deps, QUERIES, post("Nothing to say any more", at(5)))
    await uow.flush()
    revised = uow.store.mentions[mention.id]
    assert (revised.withdrawn, revised.query_ids) == ("edited", ())
    assert bucket(uow, ACME) == Bucket(0, 0)
    assert bucket(uow, ANVIL) == Bucket(0, 0)
    assert uow.store.activity[("t1", ACME.id)].recent == ()
    [event] = updates(uow)
    assert event.removed_query_ids == sorted([ACME.id, ANVIL.id])
    assert event.withdrawn == "edited"
    inbox = await uow.mentions.page("t1", MentionFilter(), after=None, limit=10)
    assert inbox == []
    # Edited back, it returns.
    await apply_edit(uow, deps, QUERIES, post("Acme again", at(9)))
    assert uow.store.mentions[mention.id].withdrawn is None
    assert bucket(uow, ACME) == Bucket(1, 0)


async def test_an_edit_that_adds_a_query_counts_it_for_that_query(
    uow: FakeUnitOfWork, deps: Deps
) -> None:
    mention = await stored(uow, deps, "Acme rocks")
    await apply_edit(uow, deps, QUERIES, post("Acme anvil rocks", at(5)))
    await uow.flush()
    assert uow.store.mentions[mention.id].query_ids == tuple(sorted([ACME.id, ANVIL.id]))
    assert bucket(uow, ANVIL) == Bucket(1, 0)
    assert bucket(uow, ACME) == Bucket(1, 0)
    [event] = updates(uow)
    assert event.added_query_ids == [ANVIL.id]


async def test_an_edit_of_a_post_with_no_mention_is_a_new_mention(
    uow: FakeUnitOfWork, deps: Deps
) -> None:
    await apply_edit(uow, deps, QUERIES, post("Acme now", at(5)))
    await uow.flush()
    [mention] = uow.store.mentions.values()
    assert mention.edited_at == at(5)
    [event] = uow.events
    assert isinstance(event, MentionDetected)
    # The first version, consumed after its edit (same key, later), stores nothing.
    assert await match_post(uow, deps, QUERIES, post("Acme first version")) is None


async def test_a_redelivered_or_older_edit_changes_nothing(uow: FakeUnitOfWork, deps: Deps) -> None:
    mention = await stored(uow, deps, "Acme shipped my order")
    await apply_edit(uow, deps, QUERIES, post("Acme shipped it broken", at(5)))
    await uow.flush()
    after_first = uow.store.mentions[mention.id]
    await apply_edit(uow, deps, QUERIES, post("Acme shipped it broken", at(5)))
    await apply_edit(uow, deps, QUERIES, post("An older anvil text", at(2)))
    await uow.flush()
    assert uow.store.mentions[mention.id] == after_first
    assert len(updates(uow)) == 1
    assert bucket(uow, ACME) == Bucket(1, 1)


async def test_an_edit_of_another_tenants_post_key_touches_nothing_of_ours(
    uow: FakeUnitOfWork, deps: Deps
) -> None:
    mention = await stored(uow, deps, "Acme shipped my order")
    await apply_edit(uow, deps, QUERIES, post("Nothing", at(5), tenant_id="t2"))
    assert uow.store.mentions[mention.id] == mention


async def test_a_deleted_post_withdraws_its_mention_once(uow: FakeUnitOfWork, deps: Deps) -> None:
    mention = await stored(uow, deps, "Acme is broken")
    assert await withdraw(uow, "t1", "https://social.example/statuses/1", at(5)) == 1
    assert await withdraw(uow, "t1", "https://social.example/statuses/1", at(6)) == 0
    await uow.flush()
    revised = uow.store.mentions[mention.id]
    assert (revised.withdrawn, revised.query_ids) == ("deleted", (ACME.id,))
    assert bucket(uow, ACME) == Bucket(0, 0)
    [event] = updates(uow)
    assert (event.withdrawn, event.query_ids) == ("deleted", [ACME.id])
    # A late edit of a deleted post does not revive it.
    await apply_edit(uow, deps, QUERIES, post("Acme", at(4)))
    assert uow.store.mentions[mention.id].withdrawn == "deleted"


def edited(text: str, minute: int, **changes: Any) -> CommentEdited:
    values: dict[str, Any] = {
        "tenant_id": "t1",
        "comment_id": "c1",
        "release_id": "r1",
        "newsroom_id": "n1",
        "body_text": text,
        "status": "approved",
        "edited_at": at(minute),
    }
    return CommentEdited(**(values | changes))


def posted(**changes: Any) -> CommentPosted:
    values: dict[str, Any] = {
        "tenant_id": "t1",
        "comment_id": "c1",
        "release_id": "r1",
        "newsroom_id": "n1",
        "author_name": "Jane",
        "body_text": "Acme",
        "posted_at": NOW,
        "status": "approved",
    }
    return CommentPosted(**(values | changes))


async def test_an_edited_comment_goes_to_matching_again_with_its_author(
    uow: FakeUnitOfWork,
) -> None:
    await comment_to_post(uow, posted(), NOW)
    await comment_edit_to_post(uow, edited("Acme is broken", 5), NOW)
    await uow.flush()
    _, edit = uow.events
    assert isinstance(edit, PostFetched)
    assert (edit.post_key, edit.text, edit.edited_at, edit.author) == (
        "comment:c1",
        "Acme is broken",
        at(5),
        "Jane",
    )


async def test_a_stale_comment_edit_and_a_staff_replys_edit_are_not_passed_on(
    uow: FakeUnitOfWork,
) -> None:
    await comment_edit_to_post(uow, edited("Acme later", 9), NOW)
    await comment_edit_to_post(uow, edited("Acme earlier", 5), NOW)
    await comment_to_post(uow, posted(comment_id="c2", is_official_reply=True), NOW)
    await comment_edit_to_post(uow, edited("Acme official", 9, comment_id="c2"), NOW)
    await uow.flush()
    [only] = uow.events
    assert isinstance(only, PostFetched)
    assert only.text == "Acme later"
