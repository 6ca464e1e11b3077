"""Bodies of the Mastodon sources API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from listening.domain.mastodon import MastodonSource, SourceState, TimelineKind


class MastodonSourceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    instance_url: str = Field(
        min_length=1,
        max_length=300,
        description="The instance's address, e.g. https://mastodon.social (https; a public host)",
    )
    timeline: TimelineKind = Field(
        description="public: everything the instance sees; hashtag: one hashtag's timeline"
    )
    hashtag: str | None = Field(
        default=None, max_length=101, description="For timeline hashtag: the tag, with or without #"
    )
    local_only: bool = Field(
        default=False, description="Only statuses of the instance's own accounts"
    )
    access_token: SecretStr | None = Field(
        default=None,
        max_length=500,
        description="An access token of an account on the instance (scope read:statuses): many "
        "instances stream only to a token. Stored encrypted; never shown again",
    )

    @model_validator(mode="after")
    def _hashtag_with_its_timeline(self) -> Self:
        if (self.timeline == "hashtag") != (self.hashtag is not None):
            raise ValueError("hashtag is required for timeline hashtag, and only for it")
        return self


class ConnectionStatus(BaseModel):
    state: SourceState = Field(
        description="starting (not connected yet), streaming, polling (the instance refused "
        "streaming, or between reconnects), failing (see detail; retried with backoff)"
    )
    detail: str | None = None
    since: datetime | None = None


class MastodonSourceOut(BaseModel):
    id: str
    kind: Literal["mastodon"] = "mastodon"
    instance_url: str
    timeline: TimelineKind
    hashtag: str | None
    local_only: bool
    web_url: str = Field(description="The timeline as a person sees it; the mentions' source_url")
    has_access_token: bool
    created_at: datetime
    last_status_id: str | None = Field(description="Where following resumes after a reconnect")
    status: ConnectionStatus

    @classmethod
    def of(cls, source: MastodonSource) -> MastodonSourceOut:
        return cls(
            id=source.id,
            instance_url=source.instance_url,
            timeline=source.timeline,
            hashtag=source.hashtag,
            local_only=source.local_only,
            web_url=source.web_url,
            has_access_token=source.sealed_token is not None,
            created_at=source.created_at,
            last_status_id=source.last_status_id,
            status=ConnectionStatus(
                state=source.state, detail=source.detail, since=source.state_at
            ),
        )
