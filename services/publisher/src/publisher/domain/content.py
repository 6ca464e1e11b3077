"""What a press release says, validated and sanitised; and how its media refs track the media."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from publisher.domain import limits
from publisher.domain.errors import InvalidInputError
from publisher.domain.sanitising import sanitise_html
from publisher.domain.values import (
    ContactPerson,
    require_contacts,
    require_language,
    require_text,
    unique_labels,
)


class MediaState(StrEnum):
    PENDING = "pending"  # the media service has not told us yet
    READY = "ready"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class MediaRef:
    """A release's reference to an item of the media service, with that item's last known state."""

    media_id: str
    state: MediaState = MediaState.PENDING
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ReleaseContent:
    title: str
    lead: str = ""
    body: str = ""
    language: str = "en"
    tags: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    contacts: list[ContactPerson] = field(default_factory=list)
    media_ids: list[str] = field(default_factory=list)
    social_card_media_id: str | None = None


@dataclass(frozen=True, slots=True)
class ContentChanges:
    """Fields to change; ``None`` keeps a field (``clear_social_card`` empties that one)."""

    title: str | None = None
    lead: str | None = None
    body: str | None = None
    language: str | None = None
    tags: Sequence[str] | None = None
    categories: Sequence[str] | None = None
    contacts: Sequence[ContactPerson] | None = None
    media_ids: Sequence[str] | None = None
    social_card_media_id: str | None = None
    clear_social_card: bool = False


def _media_ids(values: Sequence[str]) -> list[str]:
    ids = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    if len(ids) > limits.MEDIA_MAX:
        raise InvalidInputError("media_ids", f"at most {limits.MEDIA_MAX} allowed (got {len(ids)})")
    for media_id in ids:
        if len(media_id) > limits.MEDIA_ID_MAX:
            raise InvalidInputError(
                "media_ids", f"ids are at most {limits.MEDIA_ID_MAX} characters"
            )
    return ids


def _body(html: str) -> str:
    size = len(html.encode())
    if size > limits.BODY_MAX_BYTES:
        raise InvalidInputError(
            "body", f"must be at most {limits.BODY_MAX_BYTES} bytes (got {size})"
        )
    return sanitise_html(html)


def apply_changes(content: ReleaseContent, changes: ContentChanges) -> ReleaseContent:
    """``content`` with ``changes`` applied; every changed field is validated."""
    updated: dict[str, object] = {}
    if changes.title is not None:
        updated["title"] = require_text(
            "title", changes.title, max_length=limits.TITLE_MAX, required=True
        )
    if changes.lead is not None:
        updated["lead"] = require_text("lead", changes.lead, max_length=limits.LEAD_MAX)
    if changes.body is not None:
        updated["body"] = _body(changes.body)
    if changes.language is not None:
        updated["language"] = require_language("language", changes.language)
    if changes.tags is not None:
        updated["tags"] = unique_labels(
            "tags", changes.tags, max_count=limits.TAGS_MAX, max_length=limits.TAG_MAX,
            lowercase=True,
        )  # fmt: skip
    if changes.categories is not None:
        updated["categories"] = unique_labels(
            "categories", changes.categories, max_count=limits.CATEGORIES_MAX,
            max_length=limits.CATEGORY_MAX, lowercase=False,
        )  # fmt: skip
    if changes.contacts is not None:
        updated["contacts"] = require_contacts(changes.contacts)
    if changes.media_ids is not None:
        updated["media_ids"] = _media_ids(changes.media_ids)
    if changes.clear_social_card:
        updated["social_card_media_id"] = None
    elif changes.social_card_media_id is not None:
        updated["social_card_media_id"] = changes.social_card_media_id.strip()
    result = replace(content, **updated)  # type: ignore[arg-type]
    card = result.social_card_media_id
    if card is not None and card not in result.media_ids:
        raise InvalidInputError("social_card_media_id", f"{card!r} must be one of media_ids")
    return result


def new_content(changes: ContentChanges, default_language: str) -> ReleaseContent:
    """A release's first content: ``title`` is required, the language defaults to the newsroom's."""
    if changes.title is None:
        raise InvalidInputError("title", "is required")
    start = ReleaseContent(title="", language=default_language)
    return apply_changes(start, changes)


def media_refs(
    media_ids: Sequence[str],
    current: Sequence[MediaRef],
    known: Mapping[str, MediaRef],
) -> list[MediaRef]:
    """Refs for ``media_ids``: kept where we had one, else the state we know, else pending."""
    have = {ref.media_id: ref for ref in current}
    return [have.get(i) or known.get(i) or MediaRef(media_id=i) for i in media_ids]
