"""Channel requests: one shape per kind, told apart by ``kind``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool

from distribution.entrypoints.http.schemas.channel_kinds import (
    BlueskyCredentials,
    BlueskySettings,
    EmailSettings,
    FacebookCredentials,
    FacebookSettings,
    LinkedInCredentials,
    LinkedInSettings,
    MastodonCredentials,
    MastodonSettings,
    NoCredentials,
    WebhookSettings,
    XCredentials,
    XSettings,
)
from distribution.entrypoints.http.schemas.common import Id, Model
from newsroom_shared.patterns import NOT_BLANK_PATTERN

Name = Annotated[str, Field(min_length=1, max_length=100, pattern=NOT_BLANK_PATTERN)]


class _Create(Model):
    newsroom_id: Id = Field(description="The newsroom it serves (taken as given, per tenant)")
    name: Name
    # Strict: JSON true/false only, as the schema says (lax mode would take 0, 1 or "yes").
    enabled: StrictBool = True

    def settings_given(self) -> dict[str, Any]:
        settings = getattr(self, "settings", None)
        return {} if settings is None else settings.model_dump(exclude_unset=True)

    def credentials_given(self) -> dict[str, Any]:
        credentials = getattr(self, "credentials", None)
        return {} if credentials is None else credentials.model_dump(exclude_unset=True)


class MastodonCreate(_Create):
    kind: Literal["mastodon"]
    settings: MastodonSettings
    credentials: MastodonCredentials


class BlueskyCreate(_Create):
    kind: Literal["bluesky"]
    settings: BlueskySettings
    credentials: BlueskyCredentials


class XCreate(_Create):
    kind: Literal["x"]
    settings: XSettings
    credentials: XCredentials


class LinkedInCreate(_Create):
    kind: Literal["linkedin"]
    settings: LinkedInSettings
    credentials: LinkedInCredentials


class FacebookCreate(_Create):
    kind: Literal["facebook"]
    settings: FacebookSettings
    credentials: FacebookCredentials


class WebhookCreate(_Create):
    """No credentials: the signing secret is generated and returned once."""

    kind: Literal["webhook"]
    settings: WebhookSettings
    credentials: NoCredentials = Field(default_factory=NoCredentials)


class EmailCreate(_Create):
    kind: Literal["email"]
    settings: EmailSettings
    credentials: NoCredentials = Field(default_factory=NoCredentials)


ChannelCreate = Annotated[
    MastodonCreate
    | BlueskyCreate
    | XCreate
    | LinkedInCreate
    | FacebookCreate
    | WebhookCreate
    | EmailCreate,
    Field(discriminator="kind"),
]


class _Update(Model):
    name: Name | None = None
    enabled: StrictBool | None = None

    @property
    def kind_named(self) -> str | None:
        kind: str | None = getattr(self, "kind", None)
        return kind

    def settings_given(self) -> dict[str, Any] | None:
        settings = getattr(self, "settings", None)
        return None if settings is None else settings.model_dump(exclude_unset=True)

    def credentials_given(self) -> dict[str, Any] | None:
        credentials = getattr(self, "credentials", None)
        return None if credentials is None else credentials.model_dump(exclude_unset=True)


class RenameOrToggle(_Update):
    """Only the name or the enabled flag: no kind needed."""


class MastodonUpdate(_Update):
    kind: Literal["mastodon"]
    settings: MastodonSettings | None = None
    credentials: MastodonCredentials | None = None


class BlueskyUpdate(_Update):
    kind: Literal["bluesky"]
    settings: BlueskySettings | None = None
    credentials: BlueskyCredentials | None = None


class XUpdate(_Update):
    kind: Literal["x"]
    settings: XSettings | None = None
    credentials: XCredentials | None = None


class LinkedInUpdate(_Update):
    kind: Literal["linkedin"]
    settings: LinkedInSettings | None = None
    credentials: LinkedInCredentials | None = None


class FacebookUpdate(_Update):
    kind: Literal["facebook"]
    settings: FacebookSettings | None = None
    credentials: FacebookCredentials | None = None


class WebhookUpdate(_Update):
    """No credentials: the signing secret is the one generated at creation."""

    kind: Literal["webhook"]
    settings: WebhookSettings | None = None


class EmailUpdate(_Update):
    kind: Literal["email"]
    settings: EmailSettings | None = None
    credentials: NoCredentials | None = None


ChannelUpdate = Annotated[
    RenameOrToggle
    | MastodonUpdate
    | BlueskyUpdate
    | XUpdate
    | LinkedInUpdate
    | FacebookUpdate
    | WebhookUpdate
    | EmailUpdate,
    Field(
        description="Only the fields given change. Settings and credentials are each replaced "
        "whole and need the channel's `kind` (which cannot change: another kind answers 409)."
    ),
]
