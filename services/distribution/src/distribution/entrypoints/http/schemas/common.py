"""What several resources share."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class Model(BaseModel):
    """Requests reject unknown fields: a typo must not be silently ignored."""

    model_config = ConfigDict(extra="forbid")


Id = Annotated[str, Field(min_length=1, max_length=100)]
Email = Annotated[str, Field(min_length=3, max_length=320, examples=["jane@example.com"])]
