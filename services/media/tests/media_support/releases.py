"""The publisher's release events as media receives them, for tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from newsroom_shared.events.publisher import (
    ReleaseEmbargoed,
    ReleasePublished,
    ReleaseUpdated,
    ReleaseWithdrawn,
)

AT = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def _facts(tenant: str, release_id: str, media_ids: list[str], version: int) -> dict[str, Any]:
    return {
        "tenant_id": tenant,
        "release_id": release_id,
        "newsroom_id": "n1",
        "newsroom_slug": "acme",
        "slug": "roadrunner-2",
        "title": "Acme launches the Roadrunner 2",
        "language": "en",
        "url": f"https://news.example/acme/releases/{release_id}",
        "media_ids": media_ids,
        "version": version,
    }


def published(
    release_id: str, media_ids: list[str], *, tenant: str = "tenant-a", version: int = 1
) -> ReleasePublished:
    return ReleasePublished(**_facts(tenant, release_id, media_ids, version), published_at=AT)


def updated(
    release_id: str, media_ids: list[str], *, tenant: str = "tenant-a", version: int = 2
) -> ReleaseUpdated:
    return ReleaseUpdated(**_facts(tenant, release_id, media_ids, version), updated_at=AT)


def embargoed(
    release_id: str, media_ids: list[str], *, tenant: str = "tenant-a", version: int = 1
) -> ReleaseEmbargoed:
    return ReleaseEmbargoed(
        **_facts(tenant, release_id, media_ids, version),
        embargo_until=AT + timedelta(days=1),
        preview_url="https://news.example/preview/x",
    )


def withdrawn(release_id: str, *, tenant: str = "tenant-a") -> ReleaseWithdrawn:
    return ReleaseWithdrawn(
        tenant_id=tenant, release_id=release_id, newsroom_id="n1", withdrawn_at=AT
    )
