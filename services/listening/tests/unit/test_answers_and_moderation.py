"""Answered-by links and comment moderation on fakes: a mention links to a release or comment
of its tenant only; a comment taken down (spam, rejected, hidden) leaves the inbox, comes back
when approved, and is marked even when the decision came before its mention."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from listening_fakes.mentions import a_mention

from listening.domain.errors import UnknownAnswerError
from listening.domain.matching import Matcher
from listening.domain.mentions import AnsweredBy, Mention
from listening.domain.queries import ListeningQuery
from listening.domain.releases import KnownRelease
from listening.domain.spikes import Bucket, RecentMention, hour_of
from listening.service import mentions
from listening.service.comments import apply_moderation
from listening.service.intake import comment_to_post
from listening.service.pipeline import match_post
from listening.service.ports import Deps, MentionFilter
from newsroom_shared.events.comments import CommentModerated, CommentPosted
from newsroom_shared.events.listening import PostFetched

from .conftest import FakeUnitOfWork

NOW = datetime(2030, 1, 1, 9, tzinfo=UTC)


def stored_mention(tenant: str = "t1", post_key: str = "comment:c1") -> Mention:
    return a_mention(
        0,
        NOW,
        score=-0.5,
        id=f"m-{tenant}",
        tenant_id=tenant,
        post_key=post_key,
        dedupe_key=post_key,
        source_kind="comment",
        text="broken",
        matched_terms=("broken",),
    )


def posted(**changes: Any) -> CommentPosted:
    values: dict[str, Any] = {
        "tenant_id": "t1",
        "comment_id": "c1",
        "release_id": "r1",
        "newsroom_id": "n1",
        "author_name": "Jane",
        "body_text": "My Roadrunner is broken",
        "posted_at": NOW,
        "status": "approved",
    }
    return CommentPosted(**(values | changes))


def moderated(decision: str, comment_id: str = "c1", tenant: str = "t1") -> CommentModerated:
    return CommentModerated(
        tenant_id=tenant,
        comment_id=comment_id,
        release_id="r1",
        decision=decision,  # type: ignore[arg-type]
        moderated_at=NOW,
    )


def link(kind: str | None, identifier: str = "") -> mentions.AnswerLink:
    answer = None if kind is None else (kind, identifier)
    return mentions.AnswerLink(answer, NOW)  # type: ignore[arg-type]


async def triage(uow: FakeUnitOfWork, answer: mentions.AnswerLink, tenant: str = "t1") -> Mention:
    return await mentions.triage_mention(
        uow,
        tenant,
        f"m-{tenant}",
        handled=None,
        assignee=None,
        unassign=False,
        answered_by=answer,
    )


async def test_a_mention_links_to_the_release_or_comment_that_answered_it(
    uow: FakeUnitOfWork,
) -> None:
    await uow.mentions.add(stored_mention())
    await uow.releases.put(KnownRelease("t1", "r1", "https://news.example/r1", "R1"))
    await comment_to_post(uow, posted(comment_id="c9", is_official_reply=True), NOW)

    answered = await triage(uow, link("release", "r1"))
    assert answered.answered_by == AnsweredBy("release", "r1", NOW)
    answered = await triage(uow, link("comment", "c9"))
    assert answered.answered_by == AnsweredBy("comment", "c9", NOW)
    assert uow.store.mentions["m-t1"].answered_by == AnsweredBy("comment", "c9", NOW)
    assert (await triage(uow, link(None))).answered_by is None


async def test_triage_without_answered_by_keeps_the_link(uow: FakeUnitOfWork) -> None:
    linked = replace(stored_mention(), answered_by=AnsweredBy("release", "r1", NOW))
    await uow.mentions.add(linked)
    kept = await mentions.triage_mention(
        uow, "t1", "m-t1", handled=True, assignee=None, unassign=False
    )
    assert kept.answered_by == linked.answered_by
    assert kept.handled


@pytest.mark.parametrize(("kind", "identifier"), [("release", "r1"), ("comment", "c1")])
async def test_another_tenants_or_an_unknown_answer_is_refused(
    uow: FakeUnitOfWork, kind: str, identifier: str
) -> None:
    await uow.mentions.add(stored_mention())
    await uow.releases.put(KnownRelease("t2", "r1", "https://news.example/r1", "R1"))
    await comment_to_post(uow, posted(tenant_id="t2"), NOW)
    with pytest.raises(UnknownAnswerError):
        await triage(uow, link(kind, identifier))
    assert uow.store.mentions["m-t1"].answered_by is None


async def test_a_comment_taken_down_leaves_the_inbox_and_comes_back_when_approved(
    uow: FakeUnitOfWork,
) -> None:
    await uow.mentions.add(stored_mention())
    await uow.mentions.add(stored_mention("t2"))

    async def inbox(tenant: str = "t1") -> list[str]:
        page = await mentions.list_mentions(uow, tenant, MentionFilter(), after=None, limit=10)
        return [m.id for m in page.items]

    assert await apply_moderation(uow, moderated("spam")) == 1
    assert await inbox() == []
    assert uow.store.mentions["m-t1"].moderated == "spam"
    taken_down = MentionFilter(taken_down=True)
    page = await mentions.list_mentions(uow, "t1", taken_down, after=None, limit=10)
    assert [m.id for m in page.items] == ["m-t1"]
    assert await inbox("t2") == ["m-t2"]  # the other tenant's comment c1 is another comment
    assert await apply_moderation(uow, moderated("approved")) == 1
    assert await inbox() == ["m-t1"]


async def test_a_decision_before_the_mention_marks_it_when_it_is_stored(
    uow: FakeUnitOfWork, deps: Deps
) -> None:
    assert await apply_moderation(uow, moderated("rejected")) == 0
    await comment_to_post(uow, posted(), NOW)  # posted pending, before the moderation
    await uow.flush()
    [post] = [e for e in uow.events if isinstance(e, PostFetched)]
    query = ListeningQuery.create(tenant_id="t1", name="q", text="roadrunner", now=NOW)
    mention = await match_post(uow, deps, Matcher([query]), post)
    assert mention is not None
    assert mention.moderated == "rejected"


async def test_a_comment_taken_down_stops_counting_for_its_queries_spikes_until_approved(
    uow: FakeUnitOfWork,
) -> None:
    mention = replace(stored_mention(), query_ids=("q1", "q2"))
    await uow.mentions.add(mention)
    for query_id in mention.query_ids:
        await uow.query_activity.record(
            "t1", query_id, RecentMention(mention.id, NOW, negative=True)
        )

    def counted(query_id: str) -> tuple[Bucket, list[str]]:
        activity = uow.store.activity[("t1", query_id)]
        return activity.buckets[hour_of(NOW)], [m.mention_id for m in activity.recent]

    await apply_moderation(uow, moderated("spam"))
    assert counted("q1") == counted("q2") == (Bucket(0, 0), [])
    await apply_moderation(uow, moderated("hidden"))  # still taken down: not uncounted twice
    assert counted("q1") == (Bucket(0, 0), [])
    await apply_moderation(uow, moderated("approved"))
    assert counted("q1") == counted("q2") == (Bucket(1, 1), ["m-t1"])
