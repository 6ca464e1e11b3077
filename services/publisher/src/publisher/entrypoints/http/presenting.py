"""Turning use-case results into answers (shared by the release routers)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import Response

from newsroom_shared.http.errors import FieldError, Unprocessable
from publisher.bootstrap import Publisher
from publisher.entrypoints.http.schemas.releases import ReleaseOut
from publisher.service.views import ReleaseView


def release_answer(view: ReleaseView, publisher: Publisher, response: Response) -> ReleaseOut:
    """The release, with its version as ETag (send it back as ``If-Match``)."""
    response.headers["ETag"] = f'"{view.release.version}"'
    return ReleaseOut.of(view, publisher.deps.links)


def as_utc(name: str, moment: datetime | None) -> datetime | None:
    """A query-string time in UTC (without a zone it is taken as UTC); 422 when out of range."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        detail = FieldError(location=f"query.{name}", message="out of range")
        raise Unprocessable(f"{name} is out of range", details=[detail]) from None
