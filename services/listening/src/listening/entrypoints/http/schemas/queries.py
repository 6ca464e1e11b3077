"""Request and response bodies of the queries API."""

from __future__ import annotations

from dataclasses import asdict
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


class SpikeThresholds(BaseModel):
    """A query's own spike thresholds (see the README's *Spikes*); a field left out keeps its
    current value (the default, for a new query). The ranges of ``min_ratio`` and
    ``end_ratio`` meet at 2, so an episode never needs more to stay open than to open."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    min_ratio: float | None = Field(
        default=None,
        ge=2.0,
        le=1000.0,
        description="A window spikes at this many times its expected count (3)",
    )
    end_ratio: float | None = Field(
        default=None,
        ge=1.0,
        le=2.0,
        description="An episode stays open while a window is at least this many times its "
        "expected count (1.5)",
    )
    max_p_value: float | None = Field(
        default=None,
        gt=0.0,
        le=0.05,
        description="The rise must be at most this likely as chance (1e-4)",
    )
    min_share_rise: float | None = Field(
        default=None,
        gt=0.0,
        le=1.0,
        description="A negative-share spike needs the share this far above the baseline's "
        "(0.25: 25 points)",
    )
    hour_min_count: int | None = Field(
        default=None, ge=1, le=100_000, description="Mentions the hour window needs at least (5)"
    )
    day_min_count: int | None = Field(
        default=None,
        ge=1,
        le=1_000_000,
        description="Mentions the day window needs at least (10)",
    )

    def chosen(self) -> dict[str, float | int]:
        return self.model_dump(exclude_none=True)


class SpikeThresholdsOut(BaseModel):
    """The thresholds in force for the query (the defaults where it chose none)."""

    min_ratio: float
    end_ratio: float
    max_p_value: float
    min_share_rise: float
    hour_min_count: int
    day_min_count: int


class QueryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=MAX_NAME, pattern=r"\S")
    text: str = Field(min_length=1, max_length=MAX_QUERY_LENGTH, description=TEXT_DESCRIPTION)
    spike_thresholds: SpikeThresholds | None = None


class QueryUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=MAX_NAME, pattern=r"\S")
    text: str | None = Field(
        default=None, min_length=1, max_length=MAX_QUERY_LENGTH, description=TEXT_DESCRIPTION
    )
    spike_thresholds: SpikeThresholds | None = None


class QueryOut(BaseModel):
    id: str
    name: str
    text: str
    created_at: datetime
    updated_at: datetime
    version: int
    spike_thresholds: SpikeThresholdsOut

    @classmethod
    def of(cls, query: ListeningQuery) -> QueryOut:
        return cls(
            id=query.id,
            name=query.name,
            text=query.text,
            created_at=query.created_at,
            updated_at=query.updated_at,
            version=query.version,
            spike_thresholds=SpikeThresholdsOut(**asdict(query.spike_rule)),
        )
