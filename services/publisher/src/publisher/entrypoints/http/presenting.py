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
    """Query-string times without a zone are taken as UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
