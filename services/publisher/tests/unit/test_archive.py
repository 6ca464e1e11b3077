"""Months and tags of the archive: the domain's rules and the use cases on in-memory fakes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from publisher.domain.archive import Month, MonthCount, by_year
from publisher.domain.content import ContentChanges
from publisher.domain.errors import NotFoundError
from publisher.service import archive, newsrooms, pages, releases, workflow


@pytest.mark.parametrize(
    ("year", "month", "parsed"),
    [
        ("2026", "12", Month(2026, 12)),
        ("1970", "01", Month(1970, 1)),
        ("2026", "1", None),  # one URL per month: always two digits
        ("2026", "13", None),
        ("2026", "00", None),
        ("1969", "12", None),
        ("9999", "12", None),  # its following month is not a date
        ("20x6", "12", None),
        ("٢٠٢٦", "12", None),  # other digits than 0-9
    ],
)
def test_a_month_is_parsed_from_its_path_or_is_none(year, month, parsed) -> None:
    assert Month.parse(year, month) == parsed


def test_a_months_period_runs_to_the_first_of_the_next() -> None:
    december = Month(2026, 12).period()
    assert (december.start, december.end) == (
        datetime(2026, 12, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    )
    assert Month(2026, 2).period().end == datetime(2026, 3, 1, tzinfo=UTC)
    assert Month(2026, 2).path == "2026/02"


def test_the_archive_groups_months_by_year_newest_first() -> None:
    months = [
        MonthCount(Month(2025, 3), 1),
        MonthCount(Month(2026, 1), 2),
        MonthCount(Month(2025, 11), 4),
    ]
    assert by_year(months) == [
        (2026, [MonthCount(Month(2026, 1), 2)]),
        (2025, [MonthCount(Month(2025, 11), 4), MonthCount(Month(2025, 3), 1)]),
    ]


async def _published(uow, deps, caller, newsroom, title, when, tags):
    deps.clock.set(when)
    changes = ContentChanges(title=title, tags=tags)
    view = await releases.create_release(
        uow, deps, caller, newsroom_id=newsroom.id, changes=changes
    )
    await workflow.publish(uow, deps, caller, view.release.id)
    return view.release


async def test_listings_by_month_and_tag_and_the_archive_of_them(uow, deps, caller) -> None:
    acme = await newsrooms.create_newsroom(uow, deps, caller, name="Acme", default_language="en")
    other = await newsrooms.create_newsroom(uow, deps, caller, name="Other", default_language="en")
    at = lambda m, d: datetime(2026, m, d, tzinfo=UTC)  # noqa: E731
    oct_ = await _published(uow, deps, caller, acme, "Oct", at(10, 31), ["a"])
    nov = await _published(uow, deps, caller, acme, "Nov", at(11, 1), ["a", "b"])
    await _published(uow, deps, caller, other, "Elsewhere", at(11, 2), ["a"])
    await releases.create_release(
        uow, deps, caller, newsroom_id=acme.id, changes=ContentChanges(title="Draft", tags=["a"])
    )

    november = await pages.listing(
        uow, acme.slug, after=None, limit=10, within=Month(2026, 11).period()
    )
    assert [r.id for r in november.releases.items] == [nov.id]
    tagged = await pages.listing(uow, acme.slug, after=None, limit=10, tag="a")
    assert [r.id for r in tagged.releases.items] == [nov.id, oct_.id]

    found = await archive.archive(uow, acme.slug)
    assert [(m.month, m.count) for m in found.months] == [
        (Month(2026, 11), 1),
        (Month(2026, 10), 1),
    ]
    assert [(t.tag, t.count) for t in found.tags] == [("a", 2), ("b", 1)]
    with pytest.raises(NotFoundError):
        await archive.archive(uow, "nobody")
