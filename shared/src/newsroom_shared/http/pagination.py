"""Cursor pagination: ``{"items": [...], "next_cursor": "..."}``, never offsets.

A cursor is the URL-safe base64 of a small JSON object holding the sort key of the last item
seen (e.g. ``{"created_at": ..., "id": ...}``); the repository asks for items after it. It is
opaque to clients but not secret or signed: every query still filters by the caller's tenant,
so a forged cursor can only move within data the caller may read. Values are scalars only, so a
cursor can never smuggle a query operator (``{"$ne": ...}``) into a MongoDB filter.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, Field

from newsroom_shared.http.errors import BadRequest
from newsroom_shared.http.openapi_problems import raises

T = TypeVar("T")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_CURSOR_CHARS = 1024
# What a cursor is made of (URL-safe base64 without padding), stated in the OpenAPI. Only the
# server can tell whether one decodes to a position: a malformed one answers 400 invalid_cursor.
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"

_DATETIME_TAG = "$datetime"
_SCALARS = (str, int, float, bool, type(None), datetime)


class Page(BaseModel, Generic[T]):
    """One page of a listing; ``next_cursor`` is null on the last page."""

    items: list[T]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to get the next page; null on the last page"
    )


def encode_cursor(values: dict[str, Any]) -> str:
    """An opaque cursor for ``values`` (scalars; datetimes keep their type and timezone)."""
    _check_scalars(values, error=TypeError)
    text = json.dumps(values, default=_encode_value, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, required_keys: Collection[str] = ()) -> dict[str, Any]:
    """The values of a cursor from :func:`encode_cursor`; ``BadRequest`` if malformed.

    ``required_keys`` lets the repository insist on the keys it will read, so a cursor made
    for another listing answers 400 instead of failing later.
    """
    try:
        values = _decode(cursor)
    except (ValueError, TypeError, binascii.Error) as error:
        raise BadRequest("invalid cursor", code="invalid_cursor") from error
    if not set(required_keys) <= values.keys():
        raise BadRequest("invalid cursor", code="invalid_cursor")
    return values


def page_of(rows: Sequence[T], limit: int, cursor_of: Callable[[T], dict[str, Any]]) -> Page[T]:
    """A page from ``limit + 1`` fetched rows: the extra row only tells that more exist."""
    if len(rows) <= limit:
        return Page(items=list(rows), next_cursor=None)
    items = list(rows[:limit])
    return Page(items=items, next_cursor=encode_cursor(cursor_of(items[-1])))


def _limit(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="Items per page (1 to 100)")
    ] = DEFAULT_LIMIT,
) -> int:
    return limit


@raises(400)  # a cursor that is not one of ours: decode_cursor answers invalid_cursor
def _cursor(
    cursor: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=MAX_CURSOR_CHARS,
            description="`next_cursor` of the previous page, as it was (400 otherwise)",
            json_schema_extra={"pattern": CURSOR_PATTERN},
        ),
    ] = None,
) -> str | None:
    return cursor


Limit = Annotated[int, Depends(_limit)]
"""A route parameter ``limit: Limit``: query ``?limit=``, 1..100, default 20."""

Cursor = Annotated[str | None, Depends(_cursor)]
"""A route parameter ``cursor: Cursor``: the raw query ``?cursor=`` (decode it with
:func:`decode_cursor`)."""


def _decode(cursor: str) -> dict[str, Any]:
    if len(cursor) > MAX_CURSOR_CHARS:
        raise ValueError("cursor too long")
    padded = cursor + "=" * (-len(cursor) % 4)
    raw = base64.b64decode(padded, altchars=b"-_", validate=True)
    values = json.loads(raw.decode(), object_hook=_decode_object)
    if not isinstance(values, dict):
        raise ValueError("cursor is not an object")
    _check_scalars(values, error=ValueError)
    return values


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {_DATETIME_TAG: value.isoformat()}
    raise TypeError(f"cannot put {type(value).__name__} in a cursor")


def _decode_object(obj: dict[str, Any]) -> Any:
    if _DATETIME_TAG not in obj:
        return obj
    if len(obj) != 1 or not isinstance(obj[_DATETIME_TAG], str):
        raise ValueError("malformed datetime")
    return datetime.fromisoformat(obj[_DATETIME_TAG])


def _check_scalars(values: dict[str, Any], error: type[Exception]) -> None:
    for key, value in values.items():
        if not isinstance(key, str) or not isinstance(value, _SCALARS):
            raise error(f"cursor value for {key!r} is not a scalar")


def cursor_str(cursor: str | None, key: str) -> str | None:
    """The string ``key`` of a cursor (400 for a malformed cursor or a wrong-typed value)."""
    if cursor is None:
        return None
    value = decode_cursor(cursor, required_keys=[key])[key]
    if not isinstance(value, str):
        raise BadRequest("invalid cursor", code="invalid_cursor")
    return value
