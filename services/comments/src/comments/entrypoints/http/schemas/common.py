"""What several resources share: strict request models, ids, the author email."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from newsroom_shared.patterns import ADDRESS_MAX, ADDRESS_PATTERN, NOT_BLANK_PATTERN


class Model(BaseModel):
    """Requests reject unknown fields: a typo must not be silently ignored."""

    model_config = ConfigDict(extra="forbid")


def _address(value: str) -> str:
    # Checked with Python's re: the pattern has lookaheads, which pydantic's own engine lacks.
    if not re.fullmatch(ADDRESS_PATTERN, value):
        raise ValueError("is not an email address such as jane@example.com")
    return value


OBJECT_ID_PATTERN = r"^[0-9a-f]{24}$"
# Any id in a path: one that names nothing (of the caller's tenant) answers 404.
IdPath = Annotated[
    str,
    Path(min_length=1, max_length=100, description="An id as this API or the publisher gave it"),
]
ObjectId = Annotated[str, Field(pattern=OBJECT_ID_PATTERN)]
NotBlank = Annotated[str, Field(pattern=NOT_BLANK_PATTERN)]
Email = Annotated[
    str,
    Field(
        min_length=6,
        max_length=ADDRESS_MAX,
        description="Your email address (ASCII, at most 64 characters before the @): stored in "
        "this service only, never shown or passed on",
        json_schema_extra={"pattern": ADDRESS_PATTERN},
        examples=["jane@example.com"],
    ),
    AfterValidator(_address),
]
AuthorName = Annotated[
    str,
    Field(min_length=1, max_length=80, pattern=NOT_BLANK_PATTERN, description="Shown with it"),
]
Text = Annotated[
    str,
    Field(
        min_length=1,
        max_length=20_000,
        pattern=NOT_BLANK_PATTERN,
        description="The comment: plain text, or the safe subset of HTML (a, em, strong, i, "
        "b, blockquote, q, code, pre, p, br; links http(s) only). Anything else is removed "
        "before it is stored; what is left must have some text (at most 5,000 characters)",
    ),
]
