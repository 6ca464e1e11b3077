"""Bodies of the Mastodon sources API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from listening.domain.mastodon import MastodonSource, SourceState, TimelineKind


class _TimelineCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    instance_url: str = Field(
        min_length=1,
        max_length=300,
        description="The instance's address, e.g. https://mastodon.social (https; a host with "
        "public addresses only)",
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


class PublicTimelineCreate(_TimelineCreate):
    timeline: Literal["public"] = Field(description="Everything the instance sees")


class HashtagTimelineCreate(_TimelineCreate):
    timeline: Literal["hashtag"] = Field(description="One hashtag's timeline")
    hashtag: str = Field(
        min_length=1,
        max_length=101,
        description="The tag, with or without #: letters, digits and _ (Mastodon's rule)",
    )


MastodonSourceCreate = Annotated[
    PublicTimelineCreate | HashtagTimelineCreate, Field(discriminator="timeline")
]


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
