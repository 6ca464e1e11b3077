from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from newsroom_shared.patterns import NOT_BLANK_PATTERN
from publisher.domain import limits
from publisher.domain.api_key import ApiKey
from publisher.entrypoints.http.schemas.common import Model
from publisher.service.views import NewKey

ScopeName = Literal["viewer", "editor", "admin"]


class ApiKeyCreate(Model):
    name: str = Field(
        min_length=1,
        max_length=limits.API_KEY_NAME_MAX,
        pattern=NOT_BLANK_PATTERN,
        examples=["CMS sync"],
    )
    scopes: list[ScopeName] = Field(
        min_length=1, max_length=3, description="admin includes editor, editor includes viewer"
    )


class ApiKeyOut(BaseModel):
    id: str
    name: str
    scopes: list[ScopeName]
    created_at: datetime
    created_by: str
    last_used_at: datetime | None = Field(description="Updated at most once a minute")
    revoked_at: datetime | None

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyOut:
        return cls(
            id=key.id,
            name=key.name,
            scopes=key.scopes,
            created_at=key.created_at,
            created_by=key.created_by,
            last_used_at=key.last_used_at,
            revoked_at=key.revoked_at,
        )


class ApiKeyCreated(ApiKeyOut):
    token: str = Field(
        description="`nrk_<id>_<secret>`: send as `Authorization: Bearer <token>`. Shown only "
        "now; we keep only a hash."
    )

    @classmethod
    def of(cls, created: NewKey) -> ApiKeyCreated:  # type: ignore[override]
        return cls(**ApiKeyOut.of(created.key).model_dump(), token=created.token)
