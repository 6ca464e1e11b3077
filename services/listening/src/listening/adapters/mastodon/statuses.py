"""A status as the Mastodon API sends it (``Status`` entity), read into the domain's
:class:`MastodonStatus`; only the fields listening uses are checked."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from listening.adapters.malformed import skip_malformed
from listening.domain.mastodon import MastodonStatus


class _Account(BaseModel):
    model_config = ConfigDict(extra="ignore")

    acct: str = Field(min_length=1, max_length=400)


class _Status(BaseModel):
    model_config = ConfigDict(extra="ignore")

    # Mastodon's ids are decimal; Pleroma's and Akkoma's are fixed-length base62: both sort.
    id: str = Field(min_length=1, max_length=64)
    uri: str = Field(min_length=1)
    url: str | None = None
    created_at: datetime
    content: str = ""
    spoiler_text: str = ""
    language: str | None = Field(default=None, max_length=35)
    account: _Account
    reblog: _Status | None = None
    edited_at: datetime | None = None

    def domain(self) -> MastodonStatus:
        return MastodonStatus(
            id=self.id,
            url=self.url or self.uri,
            created_at=self.created_at,
            content_html=self.content,
            spoiler_text=self.spoiler_text,
            language=self.language,
            acct=self.account.acct,
            reblog=self.reblog.domain() if self.reblog else None,
            edited_at=self.edited_at,
        )


def read_status(data: Any, where: str) -> MastodonStatus | None:
    """The status, or None (skipped and counted) when ``data`` is not one."""
    try:
        return _Status.model_validate(data).domain()
    except ValidationError as error:
        skip_malformed("mastodon", where, error)
        return None


def read_status_json(text: str, where: str) -> MastodonStatus | None:
    try:
        return _Status.model_validate_json(text).domain()
    except ValidationError as error:
        skip_malformed("mastodon", where, error)
        return None
