"""A newsroom: a tenant's public press page, reached by a globally unique slug."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from slugify import slugify

from publisher.domain import limits
from publisher.domain.colours import require_colour
from publisher.domain.domains import require_domain
from publisher.domain.errors import InvalidInputError
from publisher.domain.ids import new_id
from publisher.domain.values import (
    ContactPerson,
    require_contacts,
    require_language,
    require_slug,
    require_text,
)

# A newsroom's pages live at /<slug>/ on the public origin, beside the service's own paths
# (its API, docs, health, metrics): these first path segments stay theirs.
RESERVED_SLUGS = frozenset(
    {
        "api",
        "docs",
        "redoc",
        "healthz",
        "readyz",
        "metrics",
        "static-offline-docs",
        "openapi",
        "oembed",
        "preview",
    }
)
API_VERSION_SLUG = re.compile(r"v[0-9]+")  # /v1/..., and the versions to come


def is_reserved(slug: str) -> bool:
    return slug in RESERVED_SLUGS or API_VERSION_SLUG.fullmatch(slug) is not None


def require_public_slug(slug: str) -> str:
    slug = require_slug("slug", slug)
    if is_reserved(slug):
        raise InvalidInputError("slug", f"{slug!r} is reserved for the site's own pages")
    return slug


@dataclass(frozen=True, slots=True)
class NewsroomChanges:
    """Fields to change; ``None`` keeps a field (the slug never changes: URLs carry it)."""

    name: str | None = None
    default_language: str | None = None
    description: str | None = None
    logo_media_id: str | None = None
    clear_logo: bool = False
    brand_color: str | None = None  # #rrggbb
    clear_brand_color: bool = False
    contacts: Sequence[ContactPerson] | None = None
    requires_approval: bool | None = None
    domain: str | None = None
    clear_domain: bool = False  # back to the platform's /<slug>/ pages


@dataclass(slots=True)
class Newsroom:
    id: str
    tenant_id: str
    slug: str
    name: str
    default_language: str
    created_at: datetime
    updated_at: datetime
    description: str = ""
    logo_media_id: str | None = None
    # The brand colour (#rrggbb): the masthead's band, and the hue of links and buttons (the
    # pages derive colours that read at WCAG AA from it: ``colours.palette``).
    brand_color: str | None = None
    contacts: list[ContactPerson] = field(default_factory=list)
    requires_approval: bool = False
    # The newsroom's own domain (``news.acme.example``): its pages are served there, at ``/``,
    # and its ``/<slug>/`` URLs redirect there. Unique across tenants, like the slug.
    domain: str | None = None
    # Grows with every change; the newsroom events carry it, so a consumer applies a change
    # only over an older one (redeliveries and republishing bring old events late).
    version: int = 1

    @classmethod
    def create(
        cls,
        *,
        tenant_id: str,
        name: str,
        default_language: str,
        now: datetime,
        slug: str | None = None,
        description: str = "",
        logo_media_id: str | None = None,
        brand_color: str | None = None,
        contacts: Sequence[ContactPerson] = (),
        requires_approval: bool = False,
        domain: str | None = None,
    ) -> Newsroom:
        name = require_text("name", name, max_length=limits.NAME_MAX, required=True)
        newsroom_id = new_id()
        if slug is None:
            slug = slugify(name, max_length=limits.SLUG_MAX, word_boundary=True)
            if len(slug) < limits.SLUG_MIN:
                # A name such as "0" or "☃" gives no usable slug; any name may be given, so the
                # newsroom gets one that is free by construction rather than a refusal.
                slug = f"newsroom-{newsroom_id}"
            elif is_reserved(slug):
                slug = f"{slug}-newsroom"  # a name such as "API": given, so not refused
        newsroom = cls(
            id=newsroom_id,
            tenant_id=tenant_id,
            slug=require_public_slug(slug),
            name=name,
            default_language=require_language("default_language", default_language),
            created_at=now,
            updated_at=now,
        )
        newsroom._apply(
            NewsroomChanges(
                description=description,
                logo_media_id=logo_media_id,
                brand_color=brand_color,
                contacts=contacts,
                requires_approval=requires_approval,
                domain=domain,
            )
        )
        return newsroom

    def change(self, changes: NewsroomChanges, now: datetime) -> None:
        self._apply(changes)
        self.updated_at = now
        self.version += 1

    def _apply(self, changes: NewsroomChanges) -> None:
        if changes.name is not None:
            self.name = require_text(
                "name", changes.name, max_length=limits.NAME_MAX, required=True
            )
        if changes.default_language is not None:
            self.default_language = require_language("default_language", changes.default_language)
        if changes.description is not None:
            self.description = require_text(
                "description", changes.description, max_length=limits.DESCRIPTION_MAX
            )
        if changes.clear_logo:
            self.logo_media_id = None
        elif changes.logo_media_id is not None:
            self.logo_media_id = require_text(
                "logo_media_id",
                changes.logo_media_id,
                max_length=limits.MEDIA_ID_MAX,
                required=True,
            )
        if changes.clear_brand_color:
            self.brand_color = None
        elif changes.brand_color is not None:
            self.brand_color = require_colour("brand_color", changes.brand_color)
        if changes.contacts is not None:
            self.contacts = require_contacts(changes.contacts)
        if changes.requires_approval is not None:
            self.requires_approval = changes.requires_approval
        if changes.clear_domain:
            self.domain = None
        elif changes.domain is not None:
            self.domain = require_domain("domain", changes.domain)
