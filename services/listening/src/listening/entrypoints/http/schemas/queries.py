"""Request and response bodies of the queries API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from listening.domain.queries import MAX_NAME, ListeningQuery
from listening.domain.query_language import MAX_QUERY_LENGTH

TEXT_DESCRIPTION = (
    'The query: words, "exact phrases", suffix wildcards (sustainab*), AND (or juxtaposition), '
    "OR, NOT, parentheses, a NEAR/n b (within n words), filters lang:<code> and "
    "source:<rss|atom|mastodon|bluesky|webhook|comment>. Case and diacritics do not matter. "
    'Example: (acme OR "acme corp") AND (outage OR broken) NOT lang:de'
)


class QueryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=MAX_NAME, pattern=r"\S")
    text: str = Field(min_length=1, max_length=MAX_QUERY_LENGTH, description=TEXT_DESCRIPTION)


class QueryUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=MAX_NAME, pattern=r"\S")
    text: str | None = Field(
        default=None, min_length=1, max_length=MAX_QUERY_LENGTH, description=TEXT_DESCRIPTION
    )


class QueryOut(BaseModel):
    id: str
    name: str
    text: str
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def of(cls, query: ListeningQuery) -> QueryOut:
        return cls(
            id=query.id,
            name=query.name,
            text=query.text,
            created_at=query.created_at,
            updated_at=query.updated_at,
            version=query.version,
        )
