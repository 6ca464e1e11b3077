"""Posting, replying, the author's edit and delete, reading: the use cases on in-memory fakes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from comments.domain.comment import Status
from comments.domain.errors import (
    ClosedError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    TokenError,
)
from comments.domain.identity import email_digest
from comments.domain.moderation import BanKind, Decision
from comments.domain.releases import KnownRelease
from comments.domain.settings import CommentSettings, ModerationMode
from comments.service import authoring, moderation, posting, reading, releases
from comments.service.ports import Deps, Order, Posted, Staff, Visitor
from newsroom_shared.events.comments import CommentEdited, CommentModerated, CommentPosted
from newsroom_shared.events.publisher import ReleaseWithdrawn
from newsroom_testing.clock import FakeClock

from .conftest import FakeEmailRate, FakeUnitOfWork, Store, known_release

VISITOR = Visitor(client="203.0.113.9")
STAFF = Staff(tenant_id="t1", key_id="key-1")


@pytest.fixture
def open_release(store: Store) -> KnownRelease:
    release = known_release()
    store.releases[("t1", "r1")] = release
    store.settings[("t1", "n1")] = CommentSettings("t1", "n1", mode=ModerationMode.post)
    return release


def new(text: str = "Congratulations on the launch", **fields: Any) -> posting.NewComment:
    values: dict[str, Any] = {
        "release_id": "r1",
        "author_name": "Jane",
        "email": "Jane@Example.com ",
        "text": text,
    }
    values.update(fields)
    return posting.NewComment(**values)


async def post(uow: FakeUnitOfWork, deps: Deps, **fields: Any) -> Posted:
    return await posting.post_comment(uow, deps, VISITOR, new(**fields))


@pytest.mark.usefixtures("open_release")
async def test_an_accepted_comment_is_stored_and_emitted_with_the_email_digest_only(
    uow: FakeUnitOfWork, deps: Deps, store: Store
) -> None:
    posted = await post(uow, deps, text="<b>Great</b> news <script>x()</script>")
    comment = posted.comment
    assert comment.status is Status.approved
    assert comment.body.html == "<b>Great</b> news"
    assert comment.email == "Jane@Example.com"  # stored here, as given (trimmed)
    [event] = store.outbox
    assert isinstance(event, CommentPosted)
    assert event.author_email_hash == email_digest(b"unit-test-key", "t1", "jane@example.com")
    assert "example.com" not in event.model_dump_json().lower()
    assert (event.body_text, event.status, event.parent_id) == ("Great news", "approved", None)


async def test_comments_close_when_withdrawn_or_after_the_newsrooms_period(
    uow: FakeUnitOfWork, deps: Deps, store: Store, clock: FakeClock, open_release: KnownRelease
) -> None:
    store.settings[("t1", "n1")] = CommentSettings(
        "t1", "n1", mode=ModerationMode.post, open_days=2
    )
    assert open_release.published_at is not None
    clock.set(open_release.published_at + timedelta(days=2))
    with pytest.raises(ClosedError):
        await post(uow, deps)
    clock.set(open_release.published_at + timedelta(days=1))
    await releases.release_withdrawn(
        uow,
        ReleaseWithdrawn(
            tenant_id="t1", release_id="r1", newsroom_id="n1", withdrawn_at=clock.now()
        ),
    )
    with pytest.raises(NotFoundError):  # a withdrawn release is no longer public at all
        await post(uow, deps)
    assert store.outbox == []


async def test_an_unknown_release_is_not_found(uow: FakeUnitOfWork, deps: Deps) -> None:
    with pytest.raises(NotFoundError):
        await post(uow, deps)


@pytest.mark.usefixtures("open_release")
async def test_replies_hang_under_their_parent_and_show_in_the_thread(
    uow: FakeUnitOfWork, deps: Deps
) -> None:
    root = (await post(uow, deps)).comment
    reply = (await post(uow, deps, text="Agreed", parent_id=root.id)).comment
    deeper = (await post(uow, deps, text="Me too", parent_id=reply.id)).comment
    assert (reply.place.parent_id, deeper.place.parent_id) == (root.id, reply.id)
    page = await reading.thread_page(uow, "r1", Order.newest, None, 10)
    [node] = page.nodes
    assert node.replies[0].comment.id == reply.id
    assert node.replies[0].replies[0].comment.id == deeper.id
    count = await reading.comment_count(uow, deps, "r1")
    assert (count.visible, count.open) == (3, True)


@pytest.mark.usefixtures("open_release")
async def test_a_filled_honeypot_is_kept_as_spam_and_never_shown(
    uow: FakeUnitOfWork, deps: Deps, store: Store
) -> None:
    posted = await post(uow, deps, honeypot="http://spam.example")
    assert posted.comment.status is Status.spam
    assert (await reading.thread_page(uow, "r1", Order.newest, None, 10)).nodes == []
    assert [e.action for e in store.audit] == ["spam"]


@pytest.mark.usefixtures("open_release")
async def test_a_banned_email_or_client_may_not_comment(uow: FakeUnitOfWork, deps: Deps) -> None:
    digest = email_digest(deps.digest_key, "t1", "jane@example.com")
    await moderation.ban(uow, deps, STAFF, BanKind.email, digest, "abuse")
    with pytest.raises(ForbiddenError):
        await post(uow, deps)
    await post(uow, deps, email="someone@example.org")  # another address still may


@pytest.mark.usefixtures("open_release")
async def test_the_per_email_limit_holds_across_case_and_spacing(
    uow: FakeUnitOfWork, deps: Deps, store: Store
) -> None:
    limited = Deps(deps.clock, deps.tokens, deps.digest_key, FakeEmailRate(2), deps.edit_window_s)
    await posting.post_comment(uow, limited, VISITOR, new(email="a@example.com"))
    await posting.post_comment(uow, limited, VISITOR, new("Second one", email=" A@EXAMPLE.com"))
    with pytest.raises(RateLimitedError):
        await posting.post_comment(uow, limited, VISITOR, new("Third", email="a@example.com"))
    assert len(store.comments) == 2


@pytest.mark.usefixtures("open_release")
async def test_text_posted_twice_on_a_release_is_held(uow: FakeUnitOfWork, deps: Deps) -> None:
    text = "This is the very same long comment text"
    await post(uow, deps, text=text)
    again = await post(uow, deps, text=text.upper(), email="other@example.org")
    assert again.comment.status is Status.pending
    assert again.comment.hold_reasons == ("duplicate_text",)


@pytest.mark.usefixtures("open_release")
async def test_markup_without_text_is_refused(uow: FakeUnitOfWork, deps: Deps) -> None:
    with pytest.raises(InvalidInputError) as refused:
        await post(uow, deps, text="<script>alert(1)</script>")
    assert refused.value.field == "text"


async def test_pre_until_approved_shows_an_author_once_enough_were_approved(
    uow: FakeUnitOfWork, deps: Deps, store: Store, open_release: KnownRelease
) -> None:
    store.settings[("t1", "n1")] = CommentSettings(
        "t1", "n1", mode=ModerationMode.pre_until_approved, approvals_needed=1
    )
    first = (await post(uow, deps)).comment
    assert first.status is Status.pending
    await moderation.decide(uow, deps, STAFF, first.id, Decision.approved, "")
    second = (await post(uow, deps, text="And another thought")).comment
    assert second.status is Status.approved
    stranger = (await post(uow, deps, text="Hello", email="new@example.org")).comment
    assert stranger.status is Status.pending


@pytest.mark.usefixtures("open_release")
async def test_the_author_edits_and_deletes_within_the_window_only(
    uow: FakeUnitOfWork, deps: Deps, store: Store, clock: FakeClock
) -> None:
    posted = await post(uow, deps)
    cid = posted.comment.id
    edited = await authoring.edit_comment(uow, deps, posted.token, "r1", cid, "<i>Edited</i>")
    assert (edited.body.html, edited.status) == ("<i>Edited</i>", Status.approved)
    assert edited.edited_at == clock.now()
    [announced] = [e for e in store.outbox if isinstance(e, CommentEdited)]
    assert (announced.comment_id, announced.body_text, announced.status) == (
        cid,
        "Edited",
        "approved",
    )
    assert announced.edited_at == clock.now()
    other = await post(uow, deps, text="Another one")
    with pytest.raises(TokenError):  # a token names its own comment only
        await authoring.edit_comment(uow, deps, other.token, "r1", cid, "Taken over")
    clock.advance(timedelta(seconds=deps.edit_window_s + 1))
    with pytest.raises(TokenError) as late:
        await authoring.delete_comment(uow, deps, posted.token, "r1", cid)
    assert late.value.expired


@pytest.mark.usefixtures("open_release")
async def test_a_deletion_hides_the_comment_drops_its_text_and_is_emitted_once(
    uow: FakeUnitOfWork, deps: Deps, store: Store
) -> None:
    posted = await post(uow, deps)
    await authoring.delete_comment(uow, deps, posted.token, "r1", posted.comment.id)
    await authoring.delete_comment(uow, deps, posted.token, "r1", posted.comment.id)
    stored = store.comments[("t1", posted.comment.id)]
    assert (stored.status, stored.body.text, stored.email) == (
        Status.hidden,
        "",
        "Jane@Example.com",
    )
    moderated = [e for e in store.outbox if isinstance(e, CommentModerated)]
    assert [(e.decision, e.moderator_key_id) for e in moderated] == [("hidden", None)]
    assert [e.action for e in store.audit] == ["deleted"]
