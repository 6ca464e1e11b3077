"""Moderation, reactions, reports and official replies: the use cases on in-memory fakes."""

from __future__ import annotations

import pytest

from comments.domain.comment import Reaction, Status
from comments.domain.errors import InvalidInputError, NotAllowedError, NotFoundError
from comments.domain.moderation import BanKind, Decision
from comments.domain.settings import CommentSettings, ModerationMode
from comments.service import authoring, moderation, posting, reactions, reading, replies
from comments.service.ports import Deps, Order, QueueFilter, Staff, Visitor
from newsroom_shared.events.comments import CommentModerated, CommentPosted

from .conftest import FakeUnitOfWork, Store, known_release

READER = Visitor(client="198.51.100.7")
OTHER_READER = Visitor(client="198.51.100.8")
STAFF = Staff(tenant_id="t1", key_id="key-1")


@pytest.fixture(autouse=True)
def pre_moderated(store: Store) -> None:
    store.releases[("t1", "r1")] = known_release()
    store.settings[("t1", "n1")] = CommentSettings(
        "t1", "n1", mode=ModerationMode.pre, suspect_words=("lawsuit",)
    )


async def post(uow: FakeUnitOfWork, deps: Deps, text: str = "A thought", **kw: str) -> str:
    new = posting.NewComment("r1", "Jane", kw.pop("email", "jane@example.com"), text, **kw)
    return (await posting.post_comment(uow, deps, READER, new)).comment.id


async def test_held_comments_queue_with_their_reasons_and_filters(
    uow: FakeUnitOfWork, deps: Deps
) -> None:
    plain = await post(uow, deps)
    suspect = await post(uow, deps, "We will file a LAWSUIT", email="b@example.com")
    everything = await moderation.queue(uow, "t1", QueueFilter(), None, 10)
    assert [(c.id, c.hold_reasons) for c in everything] == [
        (plain, ("moderation_mode",)),
        (suspect, ("suspect_word",)),
    ]
    only = await moderation.queue(uow, "t1", QueueFilter(reason="suspect_word"), None, 10)
    assert [c.id for c in only] == [suspect]
    assert await moderation.queue(uow, "another-tenant", QueueFilter(), None, 10) == []


async def test_every_decision_leaves_the_queue_is_logged_and_emitted(
    uow: FakeUnitOfWork, deps: Deps, store: Store
) -> None:
    ids = [await post(uow, deps, f"Comment number {n}", email=f"{n}@example.com") for n in range(4)]
    for cid, decision in zip(ids, Decision, strict=True):
        reason = "off topic" if decision is Decision.rejected else ""
        decided = await moderation.decide(uow, deps, STAFF, cid, decision, reason)
        assert (decided.status.value, decided.needs_review) == (decision.value, False)
    assert await moderation.queue(uow, "t1", QueueFilter(), None, 10) == []
    moderated = [e for e in store.outbox if isinstance(e, CommentModerated)]
    assert [(e.comment_id, e.decision, e.moderator_key_id) for e in moderated] == [
        (cid, d.value, "key-1") for cid, d in zip(ids, Decision, strict=True)
    ]
    log = await moderation.audit_log(uow, "t1", None, None, 10)
    assert sorted(e.action for e in log) == sorted(d.value for d in Decision)
    [rejection] = await moderation.audit_log(uow, "t1", ids[1], None, 10)
    assert (rejection.action, rejection.reason, rejection.actor) == (
        "rejected",
        "off topic",
        "key-1",
    )


async def test_a_rejection_needs_a_reason_and_another_tenant_finds_nothing(
    uow: FakeUnitOfWork, deps: Deps
) -> None:
    cid = await post(uow, deps)
    with pytest.raises(InvalidInputError):
        await moderation.decide(uow, deps, STAFF, cid, Decision.rejected, "  ")
    with pytest.raises(NotFoundError):
        await moderation.decide(uow, deps, Staff("t2", "k"), cid, Decision.approved, "")


async def test_a_deleted_comment_takes_no_decision(uow: FakeUnitOfWork, deps: Deps) -> None:
    new = posting.NewComment("r1", "Jane", "jane@example.com", "Oops")
    posted = await posting.post_comment(uow, deps, READER, new)
    await authoring.delete_comment(uow, deps, posted.token, "r1", posted.comment.id)
    with pytest.raises(NotAllowedError):
        await moderation.decide(uow, deps, STAFF, posted.comment.id, Decision.approved, "")


async def test_a_report_queues_a_shown_comment_once_per_reader(
    uow: FakeUnitOfWork, deps: Deps
) -> None:
    cid = await post(uow, deps)
    await moderation.decide(uow, deps, STAFF, cid, Decision.approved, "")
    for reader in (READER, READER, OTHER_READER):
        await reactions.report(uow, deps, reader, "r1", cid, "rude")
    [queued] = await moderation.queue(uow, "t1", QueueFilter(reason="reported"), None, 10)
    assert (queued.id, queued.reports, queued.status) == (cid, 2, Status.approved)
    log = await moderation.audit_log(uow, "t1", cid, None, 10)
    assert [e.action for e in log].count("reported") == 2


async def test_reactions_count_once_per_reader_and_kind(uow: FakeUnitOfWork, deps: Deps) -> None:
    cid = await post(uow, deps)
    with pytest.raises(NotFoundError):  # held comments take no reactions: readers cannot see them
        await reactions.react(uow, deps, READER, "r1", cid, Reaction.like)
    await moderation.decide(uow, deps, STAFF, cid, Decision.approved, "")
    for reader, kind in (
        (READER, Reaction.like),
        (READER, Reaction.like),
        (OTHER_READER, Reaction.like),
        (READER, Reaction.insightful),
    ):
        reacted = await reactions.react(uow, deps, reader, "r1", cid, kind)
    assert reacted.reactions == {"like": 2, "insightful": 1}


async def test_a_reader_withdraws_a_reaction_once(uow: FakeUnitOfWork, deps: Deps) -> None:
    cid = await post(uow, deps)
    await moderation.decide(uow, deps, STAFF, cid, Decision.approved, "")
    await reactions.react(uow, deps, READER, "r1", cid, Reaction.like)
    await reactions.react(uow, deps, OTHER_READER, "r1", cid, Reaction.like)
    for _ in range(2):  # the second withdrawal finds none: nothing changes
        withdrawn = await reactions.unreact(uow, deps, READER, "r1", cid, Reaction.like)
    assert withdrawn.reactions == {"like": 1}
    again = await reactions.react(uow, deps, READER, "r1", cid, Reaction.like)
    assert again.reactions == {"like": 2}


async def test_an_official_reply_is_shown_at_once_pinned_first_and_emitted(
    uow: FakeUnitOfWork, deps: Deps, store: Store
) -> None:
    cid = await post(uow, deps, "Why is it late?")
    await moderation.decide(uow, deps, STAFF, cid, Decision.approved, "")
    first = await post(uow, deps, "Good question", email="b@example.com", parent_id=cid)
    await moderation.decide(uow, deps, STAFF, first, Decision.approved, "")
    answer = await replies.official_reply(uow, deps, STAFF, cid, "Acme Press Team", "We are sorry.")
    assert (answer.status, answer.is_official_reply, answer.staff_key_id) == (
        Status.approved,
        True,
        "key-1",
    )
    [node] = (await reading.thread_page(uow, "r1", Order.oldest, None, 10)).nodes
    assert [child.comment.id for child in node.replies] == [answer.id, first]
    posted = [e for e in store.outbox if isinstance(e, CommentPosted) and e.is_official_reply]
    assert [(e.comment_id, e.parent_id, e.author_email_hash) for e in posted] == [
        (answer.id, cid, None)
    ]


async def test_an_official_reply_needs_a_visible_comment_of_the_tenant(
    uow: FakeUnitOfWork, deps: Deps
) -> None:
    held = await post(uow, deps)
    with pytest.raises(NotFoundError):
        await replies.official_reply(uow, deps, STAFF, held, "Acme", "Hello")
    with pytest.raises(NotFoundError):
        await replies.official_reply(uow, deps, Staff("t2", "k"), held, "Acme", "Hello")


async def test_bans_are_listed_lifted_and_logged(uow: FakeUnitOfWork, deps: Deps) -> None:
    digest = "a" * 64
    ban = await moderation.ban(uow, deps, STAFF, BanKind.client, digest, "flooding")
    assert [b.id for b in await moderation.bans(uow, "t1", None, 10)] == [f"client:{digest}"]
    await moderation.unban(uow, deps, STAFF, ban.id)
    with pytest.raises(NotFoundError):
        await moderation.unban(uow, deps, STAFF, ban.id)
    log = await moderation.audit_log(uow, "t1", None, None, 10)
    assert [(e.action, e.target) for e in log] == [
        ("unbanned", ban.id),
        ("banned", ban.id),
    ]


async def test_an_edit_cannot_undo_a_decision_or_the_honeypot(
    uow: FakeUnitOfWork, deps: Deps
) -> None:
    for decision in (Decision.rejected, Decision.spam, Decision.hidden):
        new = posting.NewComment("r1", "Jane", f"{decision.value}@example.com", "Buy my stuff")
        posted = await posting.post_comment(uow, deps, READER, new)
        await moderation.decide(uow, deps, STAFF, posted.comment.id, decision, "no")
        with pytest.raises(NotAllowedError):
            await authoring.edit_comment(uow, deps, posted.token, "r1", posted.comment.id, "Nice")
    bot = posting.NewComment("r1", "Bot", "bot@example.com", "Spam", honeypot="http://x.example")
    caught = await posting.post_comment(uow, deps, READER, bot)
    with pytest.raises(NotAllowedError):
        await authoring.edit_comment(uow, deps, caught.token, "r1", caught.comment.id, "Innocent")
