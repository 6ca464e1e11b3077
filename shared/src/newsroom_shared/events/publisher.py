"""Events produced by the publisher service: the life of a press release, staff API keys, and
newsrooms."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from newsroom_shared.events.base import Event


class ReleaseImage(BaseModel):
    """The release's social-card image: what social posts attach and emails show."""

    # extra="ignore" for the same reason as Event: older consumers read newer events.
    model_config = ConfigDict(frozen=True, extra="ignore")

    url: str = Field(
        pattern=r"^https://", description="Public https URL of the image (its social-card size)"
    )
    alt_text: str = Field(default="", description="Text alternative for screen readers")
    width: int | None = Field(default=None, ge=1, description="Width in pixels, when known")
    height: int | None = Field(default=None, ge=1, description="Height in pixels, when known")


class ReleaseFacts(Event):
    """What every release event says about the release, so consumers need not call back."""

    aggregate_field: ClassVar[str] = "release_id"

    release_id: str
    newsroom_id: str
    newsroom_slug: str
    newsroom_name: str | None = Field(
        default=None,
        description=(
            "The newsroom's display name when the event was emitted (for notifications that "
            "name it); absent from events emitted before it was added"
        ),
    )
    slug: str
    title: str
    lead: str = ""
    language: str
    tags: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    url: str = Field(
        description="Public URL of the release in its newsroom (on the newsroom's own domain "
        "when it has one)"
    )
    media_ids: list[str] = Field(default_factory=list)
    version: int = Field(ge=1, description="Release version this event describes")
    image: ReleaseImage | None = Field(
        default=None,
        description="The release's social-card image; absent when it has no processed image",
    )
    translation_group: str | None = Field(
        default=None,
        description=(
            "Shared by the releases that are translations of this one (one per language), as "
            "linked when the event was emitted (linking emits no event); absent when none, and "
            "from events emitted before it was added"
        ),
    )


class ReleasePublished(ReleaseFacts):
    """A release became public (directly, by schedule, or at its embargo lift)."""

    topic: ClassVar[str] = "newsroom.release.published.v1"
    ce_type: ClassVar[str] = "io.newsroom.release.published.v1"

    published_at: datetime
    embargo_until: datetime | None = Field(
        default=None, description="Set when the release was embargoed until this moment"
    )


class ReleaseEmbargoed(ReleaseFacts):
    """A release was published under embargo: invited journalists may read it before the lift.

    ``ReleasePublished`` follows at the lift; public channels wait for that one.
    """

    topic: ClassVar[str] = "newsroom.release.embargoed.v1"
    ce_type: ClassVar[str] = "io.newsroom.release.embargoed.v1"

    embargo_until: datetime
    preview_url: str = Field(
        description="Signed link showing the release before the lift; expires at the lift"
    )


class ReleaseUpdated(ReleaseFacts):
    """A published release was edited (a correction); consumers refresh what they show."""

    topic: ClassVar[str] = "newsroom.release.updated.v1"
    ce_type: ClassVar[str] = "io.newsroom.release.updated.v1"

    updated_at: datetime


class ReleaseWithdrawn(Event):
    """A published release was taken down; consumers stop and undo what they can."""

    topic: ClassVar[str] = "newsroom.release.withdrawn.v1"
    ce_type: ClassVar[str] = "io.newsroom.release.withdrawn.v1"
    aggregate_field: ClassVar[str] = "release_id"

    release_id: str
    newsroom_id: str
    withdrawn_at: datetime
    reason: str = ""


class ApiKeyIssued(Event):
    """A staff API key was created; services that accept staff keys store its hash.

    INTERNAL topic (docs/events.md): only our services may read it. The hash is of a 256-bit
    random secret, so it is useless offline, but it is still nobody else's business.
    """

    topic: ClassVar[str] = "newsroom.apikey.issued.v1"
    ce_type: ClassVar[str] = "io.newsroom.apikey.issued.v1"
    aggregate_field: ClassVar[str] = "key_id"

    key_id: str = Field(description="The key id that tokens `nrk_<key_id>_<secret>` carry")
    scopes: list[str] = Field(description="admin, editor, viewer (each includes the next)")
    secret_hash: str = Field(description="argon2id PHC string of the whole token")
    issued_at: datetime


class ApiKeyRevoked(Event):
    """A staff API key was revoked; services stop accepting it. INTERNAL topic."""

    topic: ClassVar[str] = "newsroom.apikey.revoked.v1"
    ce_type: ClassVar[str] = "io.newsroom.apikey.revoked.v1"
    aggregate_field: ClassVar[str] = "key_id"  # same key as ApiKeyIssued: one key's events in order

    key_id: str
    revoked_at: datetime


class NewsroomFacts(Event):
    """What every newsroom event says, so consumers keep a read model of newsrooms."""

    aggregate_field: ClassVar[str] = "newsroom_id"

    newsroom_id: str
    slug: str = Field(description="Globally unique, never changes: public URLs carry it")
    name: str = Field(description="The newsroom's display name")
    default_language: str = Field(description="BCP 47 tag of the newsroom's default language")
    domain: str | None = Field(
        default=None,
        description="The newsroom's own domain (a hostname) when it has one: its pages are at "
        "the root of that host and its `/<slug>/` pages on the platform's origin redirect there",
    )
    brand_color: str | None = Field(
        default=None,
        pattern=r"^#[0-9a-f]{6}$",
        description="The newsroom's brand colour as `#rrggbb` (lower case) when it has one. "
        "It is not checked for contrast: derive text and link colours that read on it "
        "(the publisher's pages do) rather than setting text in it",
    )
    logo_media_id: str | None = Field(
        default=None,
        description="The media item (of the tenant) the newsroom shows as its logo on every "
        "public page, when it has one; a processed image when it was set. Its files are public "
        "like a published release's media",
    )
    version: int = Field(
        ge=1,
        description="Newsroom version this event describes; it grows with every change. Apply "
        "an event only if its version is at least the one you hold: redeliveries and the "
        "operator's republish may bring an older one late",
    )
    updated_at: datetime


class NewsroomCreated(NewsroomFacts):
    """A tenant created a newsroom."""

    topic: ClassVar[str] = "newsroom.newsroom.created.v1"
    ce_type: ClassVar[str] = "io.newsroom.newsroom.created.v1"


class NewsroomUpdated(NewsroomFacts):
    """A newsroom changed (or the operator republished it); the event carries its whole state."""

    topic: ClassVar[str] = "newsroom.newsroom.updated.v1"
    ce_type: ClassVar[str] = "io.newsroom.newsroom.updated.v1"
