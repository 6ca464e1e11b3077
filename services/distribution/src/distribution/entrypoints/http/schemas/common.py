"""What several resources share."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Path, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from distribution.domain.addresses import ADDRESS_MAX, ADDRESS_PATTERN
from newsroom_shared.patterns import NOT_BLANK_PATTERN


class Model(BaseModel):
    """Requests reject unknown fields: a typo must not be silently ignored."""

    model_config = ConfigDict(extra="forbid")


def _address(value: str) -> str:
    # Checked with Python's re: the pattern has lookaheads, which pydantic's own engine lacks.
    if not re.fullmatch(ADDRESS_PATTERN, value):
        raise ValueError("is not an email address such as jane@example.com")
    return value


_ADDRESS_HELP = "An email address: ASCII, at most 64 characters before the @"
_ADDRESS_SCHEMA = {"pattern": ADDRESS_PATTERN}

Id = Annotated[str, Field(min_length=1, max_length=100)]
Email = Annotated[
    str,
    Field(
        min_length=6,
        max_length=ADDRESS_MAX,
        description=_ADDRESS_HELP,
        json_schema_extra=_ADDRESS_SCHEMA,
        examples=["jane@example.com"],
    ),
    AfterValidator(_address),
]
EmailQuery = Annotated[
    str,
    Query(
        min_length=6,
        max_length=ADDRESS_MAX,
        description=_ADDRESS_HELP,
        json_schema_extra=_ADDRESS_SCHEMA,
        examples=["jane@example.com"],
    ),
    AfterValidator(_address),
]
NotBlank = Annotated[str, Field(pattern=NOT_BLANK_PATTERN)]

# A subscriber link's token as we issue it (itsdangerous, URL-safe: payload, time, signature).
# Well-formed is all a schema can say; whether we signed it is known only by checking.
TOKEN_PATTERN = r"^\.?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$"
Token = Annotated[
    str,
    Path(
        max_length=1000,
        pattern=TOKEN_PATTERN,
        description="The token from the link in the email, as it is",
    ),
]
