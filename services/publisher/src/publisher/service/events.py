"""The events the publisher emits: of releases (with their newsroom), newsrooms and API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from newsroom_shared.events.publisher import (
    ApiKeyIssued,
    ApiKeyRevoked,
    NewsroomCreated,
    NewsroomUpdated,
    ReleaseEmbargoed,
    ReleaseImage,
    ReleasePublished,
    ReleaseUpdated,
    ReleaseWithdrawn,
)
from publisher.domain.api_key import ApiKey
from publisher.domain.newsroom import Newsroom
from publisher.domain.release import Release
from publisher.service.ports import Links


def _facts(
    release: Release, newsroom: Newsroom, links: Links, image: ReleaseImage | None
) -> dict[str, Any]:
    content = release.content
    return {
        "tenant_id": release.tenant_id,
        "release_id": release.id,
        "newsroom_id": newsroom.id,
        "newsroom_slug": newsroom.slug,
        "newsroom_name": newsroom.name,
        "slug": release.slug,
        "title": content.title,
        "lead": content.lead,
        "language": content.language,
        "tags": content.tags,
        "categories": content.categories,
        "url": links.release_url(newsroom, release.id),
        "media_ids": content.media_ids,
        "version": release.version,
        "image": image,
        "translation_group": release.translation_group,
    }


def published(
    release: Release, newsroom: Newsroom, links: Links, image: ReleaseImage | None = None
) -> ReleasePublished:
    assert release.published_at is not None
    return ReleasePublished(
        **_facts(release, newsroom, links, image),
        published_at=release.published_at,
        embargo_until=release.embargo_until,
    )


def embargoed(
    release: Release,
    newsroom: Newsroom,
    links: Links,
    preview_url: str,
    image: ReleaseImage | None = None,
) -> ReleaseEmbargoed:
    assert release.embargo_until is not None
    return ReleaseEmbargoed(
        **_facts(release, newsroom, links, image),
        embargo_until=release.embargo_until,
        preview_url=preview_url,
    )


def updated(
    release: Release, newsroom: Newsroom, links: Links, image: ReleaseImage | None = None
) -> ReleaseUpdated:
    return ReleaseUpdated(**_facts(release, newsroom, links, image), updated_at=release.updated_at)


def withdrawn(release: Release, at: datetime) -> ReleaseWithdrawn:
    return ReleaseWithdrawn(
        tenant_id=release.tenant_id,
        release_id=release.id,
        newsroom_id=release.newsroom_id,
        withdrawn_at=at,
        reason=release.withdraw_reason,
    )


def key_issued(key: ApiKey) -> ApiKeyIssued:
    """What other services need to verify the key themselves (its hash, never the token)."""
    return ApiKeyIssued(
        tenant_id=key.tenant_id,
        key_id=key.id,
        scopes=key.scopes,
        secret_hash=key.secret_hash,
        issued_at=key.created_at,
    )


def key_revoked(key: ApiKey) -> ApiKeyRevoked:
    assert key.revoked_at is not None
    return ApiKeyRevoked(tenant_id=key.tenant_id, key_id=key.id, revoked_at=key.revoked_at)


def _newsroom_facts(newsroom: Newsroom) -> dict[str, Any]:
    return {
        "tenant_id": newsroom.tenant_id,
        "newsroom_id": newsroom.id,
        "slug": newsroom.slug,
        "name": newsroom.name,
        "default_language": newsroom.default_language,
        "domain": newsroom.domain,
        "brand_color": newsroom.brand_color,
        "logo_media_id": newsroom.logo_media_id,
        "version": newsroom.version,
        "updated_at": newsroom.updated_at,
    }


def newsroom_created(newsroom: Newsroom) -> NewsroomCreated:
    return NewsroomCreated(**_newsroom_facts(newsroom))


def newsroom_updated(newsroom: Newsroom) -> NewsroomUpdated:
    return NewsroomUpdated(**_newsroom_facts(newsroom))
