"""Email verification per newsroom: a comment waits unseen and unannounced until its author
follows the mailed link; then the newsroom's verdict applies, it is announced once, and the
address needs no new verification in that newsroom for a while."""

from __future__ import annotations

from datetime import timedelta

import pytest

from comments.domain.comment import Status
from comments.domain.errors import ForbiddenError, NotAllowedError, TokenError
from comments.domain.mail import MailKind
from comments.domain.moderation import BanKind, Decision
from comments.domain.settings import CommentSettings, ModerationMode
from comments.service import authoring, moderation, posting, reading, verification
from comments.service.ports import Deps, Order, QueueFilter, Staff, Visitor
from newsroom_shared.events.comments import CommentPosted
from newsroom_testing.clock import FakeClock

from .conftest import FakeUnitOfWork, Store, known_release

VISITOR = Visitor(client="203.0.113.9")


def verifying(store: Store, **fields: object) -> None:
    store.releases[("t1", "r1")] = known_release()
    store.settings[("t1", "n1")] = CommentSettings(
        "t1", "n1", mode=ModerationMode.post, verify_email=True, **fields
    )


def new(text: str = "Congratulations on the launch") -> posting.NewComment:
    return posting.NewComment("r1", "Jane", "jane@example.com", text)


def verify_token(store: Store) -> str:
    [mail] = [m for m in store.mails if m.kind is MailKind.verification]
    link = next(line for line in mail.content.text.splitlines() if "/v1/public/verify/" in line)
    return link.split("/v1/public/verify/")[1].split("?")[0]


async def visible(uow: FakeUnitOfWork) -> list[str]:
    page = await reading.thread_page(uow, "r1", Order.newest, None, 20)
    return [node.comment.id for node in page.nodes]


async def test_a_comment_waits_unseen_and_unannounced_until_verified(
    uow: FakeUnitOfWork, deps: Deps, store: Store
) -> None:
    verifying(store)
    posted = await posting.post_comment(uow, deps, VISITOR, new())
    assert posted.comment.status is Status.pending
    assert posted.comment.awaiting is not None
    assert store.outbox == []
    assert [m.kind for m in store.mails] == [MailKind.verification]  # no author link yet
    assert await visible(uow) == []
    assert await moderation.queue(uow, "t1", QueueFilter(), None, 10) == []

    verified = await verification.verify_comment(uow, deps, verify_token(store))
    assert verified.comment.status is Status.approved
    assert await visible(uow) == [posted.comment.id]
    [event] = store.outbox
    assert isinstance(event, CommentPosted)
    assert event.status == "approved"

    again = await verification.verify_comment(uow, deps, verify_token(store))
    assert again.comment.status is Status.approved
    assert len(store.outbox) == 1  # idempotent: announced once


async def test_a_verified_address_is_trusted_in_that_newsroom_for_a_while(
    uow: FakeUnitOfWork, deps: Deps, store: Store, clock: FakeClock
) -> None:
    verifying(store)
    await posting.post_comment(uow, deps, VISITOR, new())
    await verification.verify_comment(uow, deps, verify_token(store))
    second = await posting.post_comment(uow, deps, VISITOR, new("A second thought on it"))
    assert (second.comment.status, second.comment.awaiting) == (Status.approved, None)
    assert deps.verification is not None
    clock.advance(timedelta(days=deps.verification.remembered_days, seconds=1))
    later = await posting.post_comment(uow, deps, VISITOR, new("Much later, another one"))
    assert later.comment.awaiting is not None


async def test_the_newsrooms_rules_still_apply_once_verified(
    uow: FakeUnitOfWork, deps: Deps, store: Store
) -> None:
    verifying(store, suspect_words=("refund",))
    posted = await posting.post_comment(uow, deps, VISITOR, new("I want a refund now"))
    assert store.audit == []  # nothing to judge before it is verified
    verified = await verification.verify_comment(uow, deps, verify_token(store))
    assert verified.comment.status is Status.pending
    [queued] = await moderation.queue(uow, "t1", QueueFilter(), None, 10)
    assert (queued.id, queued.hold_reasons) == (posted.comment.id, ("suspect_word",))
    assert [entry.action for entry in store.audit] == ["held"]


async def test_an_expired_or_foreign_link_verifies_nothing(
    uow: FakeUnitOfWork, deps: Deps, store: Store, clock: FakeClock
) -> None:
    verifying(store)
    posted = await posting.post_comment(uow, deps, VISITOR, new())
    with pytest.raises(TokenError) as forged:
        await verification.verify_comment(uow, deps, posted.token)  # an author token
    assert not forged.value.expired
    assert deps.verification is not None
    clock.advance(timedelta(seconds=deps.verification.window_s + 1))
    with pytest.raises(TokenError) as expired:
        await verification.verify_comment(uow, deps, verify_token(store))
    assert expired.value.expired
    assert store.outbox == []


async def test_an_unverified_comment_is_not_for_moderators_and_edits_keep_it_unseen(
    uow: FakeUnitOfWork, deps: Deps, store: Store
) -> None:
    verifying(store)
    posted = await posting.post_comment(uow, deps, VISITOR, new())
    with pytest.raises(NotAllowedError):
        await moderation.decide(
            uow, deps, Staff("t1", "key-1"), posted.comment.id, Decision.approved, ""
        )
    edited = await authoring.edit_comment(
        uow, deps, posted.token, "r1", posted.comment.id, "Edited before verifying"
    )
    assert (edited.status, edited.awaiting is not None) == (Status.pending, True)
    assert await visible(uow) == []
    assert store.outbox == []  # not announced, its edit neither: CommentPosted will carry it
    await verification.verify_comment(uow, deps, verify_token(store))
    [event] = store.outbox
    assert isinstance(event, CommentPosted)
    assert event.body_text == "Edited before verifying"


async def test_newsrooms_that_do_not_verify_show_at_once(
    uow: FakeUnitOfWork, deps: Deps, store: Store
) -> None:
    store.releases[("t1", "r1")] = known_release()
    store.settings[("t1", "n1")] = CommentSettings("t1", "n1", mode=ModerationMode.post)
    posted = await posting.post_comment(uow, deps, VISITOR, new())
    assert (posted.comment.status, posted.comment.awaiting) == (Status.approved, None)
    assert [m.kind for m in store.mails] == [MailKind.author_link]


async def test_an_address_verified_in_one_newsroom_is_not_trusted_in_another(
    uow: FakeUnitOfWork, deps: Deps, store: Store
) -> None:
    verifying(store)
    store.releases[("t1", "r2")] = known_release(release_id="r2", newsroom_id="n2")
    store.settings[("t1", "n2")] = CommentSettings(
        "t1", "n2", mode=ModerationMode.post, verify_email=True
    )
    store.releases[("t2", "r3")] = known_release("t2", "r3", "n1")
    store.settings[("t2", "n1")] = CommentSettings(
        "t2", "n1", mode=ModerationMode.post, verify_email=True
    )
    await posting.post_comment(uow, deps, VISITOR, new())
    await verification.verify_comment(uow, deps, verify_token(store))
    for release_id in ("r2", "r3"):  # another newsroom of the tenant; another tenant
        elsewhere = await posting.post_comment(
            uow,
            deps,
            VISITOR,
            posting.NewComment(release_id, "Jane", "jane@example.com", f"Hello from {release_id}"),
        )
        assert elsewhere.comment.awaiting is not None


async def test_an_address_banned_before_it_verified_stays_unseen(
    uow: FakeUnitOfWork, deps: Deps, store: Store
) -> None:
    verifying(store)
    posted = await posting.post_comment(uow, deps, VISITOR, new())
    assert posted.comment.email_hash is not None
    await moderation.ban(
        uow, deps, Staff("t1", "key-1"), BanKind.email, posted.comment.email_hash, "troll"
    )
    with pytest.raises(ForbiddenError):
        await verification.verify_comment(uow, deps, verify_token(store))
    assert await visible(uow) == []
    assert [e for e in store.outbox if isinstance(e, CommentPosted)] == []
