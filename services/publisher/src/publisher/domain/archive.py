"""How a newsroom's published releases are found besides the latest: by month and by tag.

Months are calendar months in UTC (a publication time is stored in UTC; a reader's time zone is
not known to a cached page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

FIRST_YEAR = 1970
LAST_YEAR = 9998  # the month after its last must be a datetime too
_YEAR = re.compile(r"[0-9]{4}")
_MONTH = re.compile(r"[0-9]{2}")


@dataclass(frozen=True, slots=True)
class Period:
    """From ``start`` (included) to ``end`` (excluded)."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, year: str, month: str) -> Month | None:
        """The month of ``/archive/2026/12/``; ``None`` for anything else (``2026/1``, ``0999``)."""
        if not (_YEAR.fullmatch(year) and _MONTH.fullmatch(month)):
            return None
        found = cls(int(year), int(month))
        valid = FIRST_YEAR <= found.year <= LAST_YEAR and 1 <= found.month <= 12
        return found if valid else None

    @property
    def first_day(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    def period(self) -> Period:
        following = (
            datetime(self.year + 1, 1, 1, tzinfo=UTC)
            if self.month == 12
            else datetime(self.year, self.month + 1, 1, tzinfo=UTC)
        )
        return Period(self.first_day, following)

    @property
    def path(self) -> str:
        """``2026/12``: the month's place under a newsroom's ``archive/``."""
        return f"{self.year:04d}/{self.month:02d}"


@dataclass(frozen=True, slots=True)
class MonthCount:
    month: Month
    count: int


@dataclass(frozen=True, slots=True)
class TagCount:
    tag: str
    count: int


def by_year(months: list[MonthCount]) -> list[tuple[int, list[MonthCount]]]:
    """Months grouped by year, newest first in both: the archive page's order."""
    years: dict[int, list[MonthCount]] = {}
    for entry in sorted(months, key=lambda m: m.month, reverse=True):
        years.setdefault(entry.month.year, []).append(entry)
    return list(years.items())
