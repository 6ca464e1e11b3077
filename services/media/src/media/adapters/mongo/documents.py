"""Media items as documents and back (``_id`` is the media id; every query adds the tenant)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from media.domain.fields import AssetFields
from media.domain.item import Claim, MediaItem, Status
from media.domain.kinds import Kind
from media.domain.renditions import StoredFile
from media.domain.video import VideoFacts
from newsroom_shared.mongo import Document


def item_document(item: MediaItem) -> Document:
    fields = asdict(item.fields)
    fields["tags"] = list(item.fields.tags)
    return {
        "_id": item.media_id,
        "tenant_id": item.tenant_id,
        "kind": item.kind.value,
        "content_type": item.content_type,
        "filename": item.filename,
        "original": asdict(item.original),
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "status": item.status.value,
        "fields": fields,
        "renditions": [asdict(r) for r in item.renditions],
        "blurhash": item.blurhash,
        "video": None if item.video is None else asdict(item.video),
        "reason": item.reason,
        "claim": None if item.claim is None else asdict(item.claim),
        # Indexed: the worker looks for claimable items by it (None: nobody holds it).
        "claim_expires_at": None if item.claim is None else item.claim.expires_at,
        "attempts": item.attempts,
        "rerender": item.rerender,  # indexed (when true): the queue of items to render again
        "version": item.version,
    }


def item_of(document: Document) -> MediaItem:
    fields: dict[str, Any] = dict(document["fields"])
    fields["tags"] = tuple(fields.get("tags", ()))
    claim = document.get("claim")
    return MediaItem(
        tenant_id=document["tenant_id"],
        media_id=document["_id"],
        kind=Kind(document["kind"]),
        content_type=document["content_type"],
        filename=document["filename"],
        original=StoredFile(**document["original"]),
        created_at=document["created_at"],
        updated_at=document["updated_at"],
        status=Status(document["status"]),
        fields=AssetFields(**fields),
        renditions=tuple(StoredFile(**r) for r in document["renditions"]),
        blurhash=document.get("blurhash"),
        video=None if document.get("video") is None else VideoFacts(**document["video"]),
        reason=document.get("reason"),
        claim=None if claim is None else Claim(**claim),
        attempts=document.get("attempts", 0),
        rerender=document.get("rerender", False),
        version=document["version"],
    )
