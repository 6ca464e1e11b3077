from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from publisher.domain.content import MediaState
from publisher.entrypoints.http.schemas.common import Contact
from publisher.service.ports import Links
from publisher.service.views import ReleaseView


class PublicReleaseSummary(BaseModel):
    slug: str
    title: str
    lead: str
    language: str
    tags: list[str]
    categories: list[str]
    url: str
    published_at: datetime | None = Field(description="Null only in an embargo preview")
    social_card_media_id: str | None

    @classmethod
    def of(cls, view: ReleaseView, links: Links) -> PublicReleaseSummary:
        return cls(**_summary(view, links))


def _summary(view: ReleaseView, links: Links) -> dict[str, object]:
    release, content = view.release, view.release.content
    ready = set(release.ready_media_ids())
    card = content.social_card_media_id
    return {
        "slug": release.slug,
        "title": content.title,
        "lead": content.lead,
        "language": content.language,
        "tags": content.tags,
        "categories": content.categories,
        "url": links.release_url(view.newsroom, release.id),
        "published_at": release.published_at,
        "social_card_media_id": card if card in ready else None,
    }


class PublicRelease(PublicReleaseSummary):
    newsroom_slug: str
    body: str
    contacts: list[Contact]
    media_ids: list[str] = Field(description="Media ready to show (processed by the media service)")
    updated_at: datetime
    embargo_until: datetime | None = Field(
        description="Set in an embargo preview: not to be published before then"
    )

    @classmethod
    def of(cls, view: ReleaseView, links: Links) -> PublicRelease:
        release = view.release
        return cls(
            **_summary(view, links),
            newsroom_slug=view.newsroom.slug,
            body=release.content.body,
            contacts=[Contact.of(c) for c in release.content.contacts],
            media_ids=[r.media_id for r in release.media if r.state is MediaState.READY],
            updated_at=release.updated_at,
            embargo_until=release.embargo_until,
        )
