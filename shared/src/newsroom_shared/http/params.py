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


def json_integer(value: object) -> object:
    # JSON Schema's "integer" is any number with a zero fraction (3 and 3.0), never a boolean;
    # pydantic's lax mode also takes true/false, its strict mode refuses 3.0.
    if isinstance(value, bool):
        raise ValueError("must be an integer, not true or false")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


JsonInt = Annotated[int, BeforeValidator(json_integer)]
"""An integer in a JSON body exactly as the schema's ``integer`` means it (3 or 3.0, not true).
Bounds of an optional one go before the validator, or the schema would not state them:
``Annotated[int, Field(ge=1), BeforeValidator(json_integer)] | None``."""
