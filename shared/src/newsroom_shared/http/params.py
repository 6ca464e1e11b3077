"""Parameter types whose OpenAPI states exactly what the code accepts."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AwareDatetime, BeforeValidator, Field

# RFC 3339 date-time, as OpenAPI's ``format: date-time`` means it: a full time with an offset.
# Pydantic alone also takes a number of seconds ("0.5"), a bare date or a time without offset.
RFC3339_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)


def _rfc3339(value: object) -> object:
    if isinstance(value, str) and not re.fullmatch(RFC3339_PATTERN, value):
        raise ValueError("must be an RFC 3339 date-time with an offset, e.g. 2026-12-03T09:00:00Z")
    return value


DateTimeParam = Annotated[
    AwareDatetime,
    BeforeValidator(_rfc3339),
    Field(json_schema_extra={"pattern": RFC3339_PATTERN}, examples=["2026-12-03T09:00:00Z"]),
]
"""A time in a query string: RFC 3339 with an offset (``Z`` or ``+01:00``)."""
