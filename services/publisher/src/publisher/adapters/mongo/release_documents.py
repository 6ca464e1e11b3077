"""A release as a MongoDB document (and back); version snapshots store the same shape."""

from __future__ import annotations

from newsroom_shared.mongo import Document
from publisher.adapters.mongo.contacts import contacts_document, contacts_of
from publisher.domain.content import MediaRef, MediaState, ReleaseContent
from publisher.domain.release import Release
from publisher.domain.search import index_terms
from publisher.domain.workflow import Status


def release_document(release: Release) -> Document:
    content = release.content
    return {
        "_id": release.id,
        "tenant_id": release.tenant_id,
        "newsroom_id": release.newsroom_id,
        "slug": release.slug,
        "status": str(release.status),
        "version": release.version,
        "last_action": release.last_action,
        "title": content.title,
        "lead": content.lead,
        "body": content.body,
        "language": content.language,
        "tags": content.tags,
        # What search finds it by (domain/search.py): written with every change of the content.
        "search_terms": index_terms(content),
        "categories": content.categories,
        "contacts": contacts_document(content.contacts),
        "media_ids": content.media_ids,
        "social_card_media_id": content.social_card_media_id,
        "media": [
            {"media_id": ref.media_id, "state": str(ref.state), "updated_at": ref.updated_at}
            for ref in release.media
        ],
        "publish_at": release.publish_at,
        "embargo_until": release.embargo_until,
        # The scheduler's single sort key (publish_at or embargo_until, null when not due).
        "due_at": release.due_at,
        "published_at": release.published_at,
        "withdrawn_at": release.withdrawn_at,
        "withdraw_reason": release.withdraw_reason,
        "review_comment": release.review_comment,
        # Absent when none: the unique index (one language per group) is partial on strings.
        **({"translation_group": release.translation_group} if release.translation_group else {}),
        "created_at": release.created_at,
        "created_by": release.created_by,
        "updated_at": release.updated_at,
        "updated_by": release.updated_by,
    }


def release_of(document: Document) -> Release:
    return Release(
        id=document["_id"],
        tenant_id=document["tenant_id"],
        newsroom_id=document["newsroom_id"],
        slug=document["slug"],
        status=Status(document["status"]),
        version=document["version"],
        last_action=document["last_action"],
        content=ReleaseContent(
            title=document["title"],
            lead=document["lead"],
            body=document["body"],
            language=document["language"],
            tags=document["tags"],
            categories=document["categories"],
            contacts=contacts_of(document["contacts"]),
            media_ids=document["media_ids"],
            social_card_media_id=document["social_card_media_id"],
        ),
        media=[
            MediaRef(
                media_id=m["media_id"], state=MediaState(m["state"]), updated_at=m["updated_at"]
            )
            for m in document["media"]
        ],
        publish_at=document["publish_at"],
        embargo_until=document["embargo_until"],
        published_at=document["published_at"],
        withdrawn_at=document["withdrawn_at"],
        withdraw_reason=document["withdraw_reason"],
        review_comment=document["review_comment"],
        translation_group=document.get("translation_group"),
        created_at=document["created_at"],
        created_by=document["created_by"],
        updated_at=document["updated_at"],
        updated_by=document["updated_by"],
    )
