"""Mention use cases on fakes: filters, paging, triage, hourly counts, tenant scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from listening_fakes.mentions import a_mention

from listening.domain.errors import NotFoundError
from listening.domain.mentions import Mention
from listening.service import mentions
from listening.service.ports import MentionFilter, MentionPosition

from .conftest import FakeUnitOfWork

T0 = datetime(2030, 1, 1, 9, tzinfo=UTC)


def mention(n: int, *, tenant: str = "t1", score: float = 0.0, **changes: object) -> Mention:
    return a_mention(n, T0 + timedelta(minutes=20 * n), score=score, tenant_id=tenant, **changes)


@pytest.fixture
async def stored(uow: FakeUnitOfWork) -> FakeUnitOfWork:
    rows = [
        mention(0, score=-0.5),
        mention(1, score=0.5, source_kind="comment"),
        mention(2, score=-0.9, language="sv", query_ids=("q2",)),
        mention(3),
        mention(4, tenant="t2", score=-0.5),
    ]
    for row in rows:
        await uow.mentions.add(row)
    return uow


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (MentionFilter(), ["m003", "m002", "m001", "m000"]),
        (MentionFilter(sentiment="negative"), ["m002", "m000"]),
        (MentionFilter(source_kind="comment"), ["m001"]),
        (MentionFilter(language="sv"), ["m002"]),
        (MentionFilter(query_id="q2"), ["m002"]),
        (MentionFilter(since=T0 + timedelta(minutes=20)), ["m003", "m002", "m001"]),
        (MentionFilter(until=T0 + timedelta(minutes=40)), ["m001", "m000"]),
        (MentionFilter(handled=True), []),
    ],
)
async def test_filters(stored: FakeUnitOfWork, where: MentionFilter, expected: list[str]) -> None:
    page = await mentions.list_mentions(stored, "t1", where, after=None, limit=10)
    assert [m.id for m in page.items] == expected


async def test_pages_newest_first(stored: FakeUnitOfWork) -> None:
    first = await mentions.list_mentions(stored, "t1", MentionFilter(), after=None, limit=3)
    assert first.more
    last = first.items[-1]
    after = MentionPosition(last.detected_at, last.id)
    rest = await mentions.list_mentions(stored, "t1", MentionFilter(), after=after, limit=3)
    assert [m.id for m in rest.items] == ["m000"]
    assert not rest.more


async def test_triage(stored: FakeUnitOfWork) -> None:
    done = await mentions.triage_mention(
        stored, "t1", "m001", handled=True, assignee="jane", unassign=False
    )
    assert (done.handled, done.assignee) == (True, "jane")
    kept = await mentions.triage_mention(
        stored, "t1", "m001", handled=None, assignee=None, unassign=False
    )
    assert (kept.handled, kept.assignee) == (True, "jane")
    taken_back = await mentions.triage_mention(
        stored, "t1", "m001", handled=False, assignee=None, unassign=True
    )
    assert (taken_back.handled, taken_back.assignee) == (False, None)
    page = await mentions.list_mentions(
        stored, "t1", MentionFilter(handled=False), after=None, limit=10
    )
    assert len(page.items) == 4


async def test_another_tenants_mention_is_not_found(stored: FakeUnitOfWork) -> None:
    with pytest.raises(NotFoundError):
        await mentions.get_mention(stored, "t1", "m004")
    with pytest.raises(NotFoundError):
        await mentions.triage_mention(
            stored, "t1", "m004", handled=True, assignee=None, unassign=False
        )


async def test_hourly_counts_per_sentiment(stored: FakeUnitOfWork) -> None:
    rows = await mentions.hourly_counts(stored, "t1", MentionFilter())
    assert [(r.hour.hour, r.sentiment, r.count) for r in rows] == [
        (9, "negative", 2),
        (9, "positive", 1),
        (10, "neutral", 1),
    ]
