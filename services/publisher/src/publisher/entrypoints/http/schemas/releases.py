from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, Field

from newsroom_shared.patterns import NOT_BLANK_PATTERN
from publisher.domain import limits
from publisher.domain.content import ContentChanges, MediaRef
from publisher.domain.history import ReleaseVersion
from publisher.domain.release import Release
from publisher.domain.workflow import Status
from publisher.entrypoints.http.schemas.common import Contact, Contacts, Language, MediaId, Model
from publisher.service.ports import Links
from publisher.service.views import ReleaseView

Title = Annotated[str, Field(min_length=1, max_length=limits.TITLE_MAX, pattern=NOT_BLANK_PATTERN)]
Lead = Annotated[str, Field(max_length=limits.LEAD_MAX)]
Body = Annotated[
    str,
    Field(
        max_length=limits.BODY_MAX_BYTES,
        description="HTML; kept: p, br, h2-h4, strong, em, u, a[href] (http, https, mailto), "
        "ul, ol, li, blockquote, code, pre, figure, figcaption; the rest is stripped. "
        "At most 200 KB (UTF-8).",
    ),
]
Tags = Annotated[
    list[Annotated[str, Field(max_length=limits.TAG_MAX)]],
    Field(max_length=limits.TAGS_MAX, description="Lowercased and deduplicated"),
]
Categories = Annotated[
    list[Annotated[str, Field(max_length=limits.CATEGORY_MAX)]],
    Field(max_length=limits.CATEGORIES_MAX),
]
MediaIds = Annotated[list[MediaId], Field(max_length=limits.MEDIA_MAX)]
MediaStatus = Literal["pending", "ready", "rejected"]
ActionName = Literal[
    "edit", "delete", "submit", "approve", "reject", "schedule", "unschedule", "publish",
    "embargo", "withdraw",
]  # fmt: skip


class ReleaseFields(Model):
    title: Title | None = None
    lead: Lead | None = None
    body: Body | None = None
    language: Language | None = Field(default=None, description="Default: the newsroom's")
    tags: Tags | None = None
    categories: Categories | None = None
    contacts: Contacts | None = None
    media_ids: MediaIds | None = Field(default=None, description="Items of the media service")
    social_card_media_id: MediaId | None = Field(
        default=None,
        description="The release's social-card image (attached to social posts, shown in "
        "emails): one of media_ids. Unset: the first of media_ids that is a processed image. "
        "`null` in an update removes the choice",
    )

    def to_domain(self) -> ContentChanges:
        return ContentChanges(
            title=self.title,
            lead=self.lead,
            body=self.body,
            language=self.language,
            tags=self.tags,
            categories=self.categories,
            contacts=None if self.contacts is None else [c.to_domain() for c in self.contacts],
            media_ids=self.media_ids,
            social_card_media_id=self.social_card_media_id,
            clear_social_card="social_card_media_id" in self.model_fields_set
            and self.social_card_media_id is None,
        )


class ReleaseCreate(ReleaseFields):
    newsroom_id: str = Field(max_length=64)
    title: Title


class ReleaseUpdate(ReleaseFields):
    """Fields to change; absent fields stay."""


class ScheduleIn(Model):
    publish_at: AwareDatetime = Field(description="In the future, with a timezone")


class PublishIn(Model):
    embargo_until: AwareDatetime | None = Field(
        default=None,
        description="Publish under embargo until then (in the future): invitees get a preview "
        "link, the public sees it at the lift",
    )


class RejectIn(Model):
    comment: str = Field(min_length=1, max_length=limits.REASON_MAX, pattern=NOT_BLANK_PATTERN)


class WithdrawIn(Model):
    reason: str = Field(default="", max_length=limits.REASON_MAX)


class MediaRefOut(BaseModel):
    media_id: str
    status: MediaStatus
    updated_at: datetime | None

    @classmethod
    def of(cls, ref: MediaRef) -> MediaRefOut:
        return cls(media_id=ref.media_id, status=ref.state.value, updated_at=ref.updated_at)


class ReleaseSummary(BaseModel):
    id: str
    newsroom_id: str
    slug: str
    status: Status
    version: int = Field(description="Send as `If-Match` to make a change conditional")
    title: str
    lead: str
    language: str
    tags: list[str]
    categories: list[str]
    url: str = Field(description="Public URL (live once published)")
    publish_at: datetime | None
    embargo_until: datetime | None
    published_at: datetime | None
    allowed_actions: list[ActionName]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, view: ReleaseView, links: Links) -> ReleaseSummary:
        return cls(**_summary(view, links))


def _summary(view: ReleaseView, links: Links) -> dict[str, object]:
    release, newsroom = view.release, view.newsroom
    content = release.content
    actions = release.allowed_actions(requires_approval=newsroom.requires_approval)
    return {
        "id": release.id,
        "newsroom_id": release.newsroom_id,
        "slug": release.slug,
        "status": release.status,
        "version": release.version,
        "title": content.title,
        "lead": content.lead,
        "language": content.language,
        "tags": content.tags,
        "categories": content.categories,
        "url": links.release_url(newsroom, release.id),
        "publish_at": release.publish_at,
        "embargo_until": release.embargo_until,
        "published_at": release.published_at,
        "allowed_actions": [str(a) for a in actions],
        "created_at": release.created_at,
        "updated_at": release.updated_at,
    }


def _details(release: Release) -> dict[str, object]:
    content = release.content
    return {
        "body": content.body,
        "contacts": [Contact.of(c) for c in content.contacts],
        "media_ids": content.media_ids,
        "media": [MediaRefOut.of(ref) for ref in release.media],
        "social_card_media_id": content.social_card_media_id,
        "withdrawn_at": release.withdrawn_at,
        "withdraw_reason": release.withdraw_reason,
        "review_comment": release.review_comment,
        "translation_group": release.translation_group,
        "created_by": release.created_by,
        "updated_by": release.updated_by,
    }


class ReleaseOut(ReleaseSummary):
    body: str
    contacts: list[Contact]
    media_ids: list[str]
    media: list[MediaRefOut] = Field(description="Each media item with its processing status")
    social_card_media_id: str | None = Field(
        description="The chosen social-card image; `null`: the first processed image of media_ids"
    )
    withdrawn_at: datetime | None
    withdraw_reason: str
    review_comment: str = Field(description="The reviewer's comment of the last rejection")
    translation_group: str | None = Field(
        description="Shared by the releases that are translations of this one "
        "(`/v1/releases/{id}/translations`); `null`: none"
    )
    created_by: str
    updated_by: str

    @classmethod
    def of(cls, view: ReleaseView, links: Links) -> ReleaseOut:
        return cls(**_summary(view, links), **_details(view.release))


class VersionSummary(BaseModel):
    version: int
    action: str = Field(description="What made this version: create, edit, submit, publish ...")
    actor: str = Field(description="API key id, `platform` or `scheduler`")
    at: datetime

    @classmethod
    def of(cls, version: ReleaseVersion) -> VersionSummary:
        return cls(
            version=version.version, action=version.action, actor=version.actor, at=version.at
        )


class VersionOut(VersionSummary):
    release: ReleaseOut = Field(description="The release as it was at this version")

    @classmethod
    def with_snapshot(cls, version: ReleaseVersion, view: ReleaseView, links: Links) -> VersionOut:
        snapshot = ReleaseView(version.snapshot, view.newsroom)
        return cls(
            **VersionSummary.of(version).model_dump(), release=ReleaseOut.of(snapshot, links)
        )


class PreviewLinkOut(BaseModel):
    url: str
    token: str
    expires_at: datetime = Field(description="The embargo lift: the link dies then")
