"""Turning use-case results into answers (shared by the release routers)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import Response

from publisher.bootstrap import Publisher
from publisher.entrypoints.http.schemas.releases import ReleaseOut
from publisher.service.views import ReleaseView


def release_answer(view: ReleaseView, publisher: Publisher, response: Response) -> ReleaseOut:
    """The release, with its version as ETag (send it back as ``If-Match``)."""
    response.headers["ETag"] = f'"{view.release.version}"'
    return ReleaseOut.of(view, publisher.deps.links)


def as_utc(moment: datetime | None) -> datetime | None:
    """A query-string bound in UTC (the parameter requires an offset; a naive time is UTC).

    A valid time whose UTC instant falls outside the years 1-9999 (``0001-01-01T00:00+01:00``)
    bounds nothing: it is clamped to the earliest or latest time, which filters the same."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        edge = datetime.min if moment.year == 1 else datetime.max
        return edge.replace(tzinfo=UTC)
