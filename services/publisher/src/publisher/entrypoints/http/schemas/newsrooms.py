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
    logo_media_id: MediaId | None = None
    contacts: Contacts = Field(default_factory=list)
    # Strict: JSON true/false only (lax mode would take 0, 1 or "yes", which the schema does not).
    requires_approval: StrictBool = Field(
        default=False, description="Releases need an admin's approval before they go out"
    )
    domain: Domain | None = None


class NewsroomUpdate(Model):
    """Fields to change; absent fields stay. ``logo_media_id: null`` removes the logo,
    ``domain: null`` the newsroom's own domain."""

    name: Name | None = None
    default_language: Language | None = None
    description: str | None = Field(default=None, max_length=limits.DESCRIPTION_MAX)
    logo_media_id: MediaId | None = None
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
