from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StrictBool

from publisher.domain import limits
from publisher.domain.domains import DOMAIN_MAX, DOMAIN_PATTERN
from publisher.domain.newsroom import Newsroom, NewsroomChanges
from publisher.domain.values import SLUG_PATTERN
from publisher.entrypoints.http.schemas.common import (
    Contact,
    Contacts,
    Language,
    MediaId,
    Model,
    Name,
)

Domain = Annotated[
    str,
    Field(
        min_length=3,
        max_length=DOMAIN_MAX + 1,  # a trailing dot is dropped
        pattern=DOMAIN_PATTERN,
        examples=["news.acme.example"],
        description="The newsroom's own domain (a hostname, no scheme or port; an "
        "internationalised name in its `xn--` form), pointed at the platform's proxy: its "
        "pages are then served there at `/` and its `/<slug>/` URLs answer 301 there. Unique "
        "across the platform (409 if another newsroom has it); `localhost`, names under "
        "`.localhost`, `.local`, `.test`, `.invalid`, `.onion`, `.arpa`, `.internal`, IP "
        "addresses and the platform's own host are refused (422). `null` removes it",
    ),
]

LOGO = (
    "A media item of the tenant (the media service's id) shown in the masthead of every page "
    "of the newsroom. It must be an image the media service has processed: 422 for an item "
    "it has not told the publisher about yet (still processing, or not this tenant's), one it "
    "rejected or deleted, or one that is not an image. `null` (PATCH) removes it"
)
BrandColor = Annotated[
    str,
    Field(
        pattern=r"^#[0-9A-Fa-f]{6}$",
        examples=["#ffd500"],
        description="The newsroom's brand colour, `#rrggbb` (kept in lower case): the band of "
        "its pages' masthead, and the hue of their links and buttons. Any colour is taken: the "
        "pages derive the text on the band (white or near-black) and a link colour darkened or "
        "lightened until each reads at 4.5:1 (WCAG 2.2 AA) in the light and dark schemes. "
        "`null` removes it (the pages' own colours)",
    ),
]


class NewsroomCreate(Model):
    name: Name = Field(examples=["Acme Newsroom"])
    slug: str | None = Field(
        default=None,
        min_length=limits.SLUG_MIN,
        max_length=limits.SLUG_MAX,
        pattern=SLUG_PATTERN,
        description="Globally unique, part of public URLs (`/<slug>/`), never changes; default: "
        "from the name (`newsroom-<id>` when the name gives fewer than 3 letters or digits, "
        "`<slug>-newsroom` when it gives a reserved one). Reserved (422), as paths of the site "
        "itself: `api`, `docs`, `redoc`, `healthz`, `readyz`, `metrics`, `openapi`, "
        "`static-offline-docs` and `v` followed by digits",
    )
    default_language: Language
    description: str = Field(default="", max_length=limits.DESCRIPTION_MAX)
    logo_media_id: MediaId | None = Field(default=None, description=LOGO)
    brand_color: BrandColor | None = None
    contacts: Contacts = Field(default_factory=list)
    # Strict: JSON true/false only (lax mode would take 0, 1 or "yes", which the schema does not).
    requires_approval: StrictBool = Field(
        default=False, description="Releases need an admin's approval before they go out"
    )
    domain: Domain | None = None


class NewsroomUpdate(Model):
    """Fields to change; absent fields stay. ``logo_media_id: null`` removes the logo,
    ``brand_color: null`` the brand colour, ``domain: null`` the newsroom's own domain."""

    name: Name | None = None
    default_language: Language | None = None
    description: str | None = Field(default=None, max_length=limits.DESCRIPTION_MAX)
    logo_media_id: MediaId | None = Field(default=None, description=LOGO)
    brand_color: BrandColor | None = None
    contacts: Contacts | None = None
    requires_approval: StrictBool | None = None
    domain: Domain | None = None

    def to_domain(self) -> NewsroomChanges:
        return NewsroomChanges(
            name=self.name,
            default_language=self.default_language,
            description=self.description,
            logo_media_id=self.logo_media_id,
            clear_logo="logo_media_id" in self.model_fields_set and self.logo_media_id is None,
            brand_color=self.brand_color,
            clear_brand_color="brand_color" in self.model_fields_set and self.brand_color is None,
            contacts=None if self.contacts is None else [c.to_domain() for c in self.contacts],
            requires_approval=self.requires_approval,
            domain=self.domain,
            clear_domain="domain" in self.model_fields_set and self.domain is None,
        )


class PublicNewsroom(BaseModel):
    slug: str
    name: str
    default_language: str
    description: str
    logo_media_id: str | None
    brand_color: str | None = Field(description="`#rrggbb`, or none")
    contacts: list[Contact]
    domain: str | None = Field(description="Its own domain, where its pages are; else none")

    @classmethod
    def of(cls, newsroom: Newsroom) -> PublicNewsroom:
        return cls(
            slug=newsroom.slug,
            name=newsroom.name,
            default_language=newsroom.default_language,
            description=newsroom.description,
            logo_media_id=newsroom.logo_media_id,
            brand_color=newsroom.brand_color,
            contacts=[Contact.of(c) for c in newsroom.contacts],
            domain=newsroom.domain,
        )


class NewsroomOut(PublicNewsroom):
    id: str
    requires_approval: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, newsroom: Newsroom) -> NewsroomOut:
        return cls(
            **PublicNewsroom.of(newsroom).model_dump(),
            id=newsroom.id,
            requires_approval=newsroom.requires_approval,
            created_at=newsroom.created_at,
            updated_at=newsroom.updated_at,
        )
