"""Staff's media items: upload (streamed), list, read, describe, delete, download."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import StreamingResponse

from media.entrypoints.http.dependencies import Editor, MediaDep, Viewer
from media.entrypoints.http.files import file_response
from media.entrypoints.http.schemas.links import SignedUrlsIn, SignedUrlsOut
from media.entrypoints.http.schemas.media import MediaOut, MediaUpdate
from media.service import assets, links, serving, uploads
from newsroom_shared.http.errors import BadRequest, error_responses
from newsroom_shared.http.pagination import Cursor, Limit, Page, decode_cursor, encode_cursor

router = APIRouter(prefix="/v1/media", tags=["media"])
UPLOAD_PATH = "/v1/media"

UPLOAD_BODY = {
    "required": True,
    "description": "The file's bytes as the body (not a form). Its type is told from its "
    "content; the declared Content-Type and the name are not trusted.",
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(400, 413, 415, 422),
    openapi_extra={"requestBody": UPLOAD_BODY},
)
async def upload_media(
    request: Request,
    caller: Editor,
    media: MediaDep,
    filename: Annotated[
        str | None,
        Query(
            max_length=255,
            description="The file's name, for downloads (its extension is set from the content)",
        ),
    ] = None,
) -> MediaOut:
    """Upload an image (JPEG, PNG, WebP, GIF, AVIF, HEIC) or a PDF, streamed to storage.

    Refused: a type other than these by content (415; SVG included: script in it would run on
    our origin), over the kind's size limit or the tenant's quota (413), a pixel flood, a
    truncated file or a polyglot (422). Renditions are made afterwards: the item is `uploaded`
    until a worker marks it `processed` (or `rejected` if it does not decode)."""
    item = await uploads.upload(
        media.uow(),
        media.deps,
        caller,
        request.stream(),
        filename=filename,
        announced_bytes=_content_length(request),
    )
    media.doorbell.ring()
    return MediaOut.of(item, media.deps.links)


@router.get("")
async def list_media(
    caller: Viewer, media: MediaDep, limit: Limit, cursor: Cursor = None
) -> Page[MediaOut]:
    """List the tenant's media items, newest first."""
    after = None if cursor is None else _cursor_id(cursor)
    items = await assets.page(media.reader(), caller, after_id=after, limit=limit + 1)
    more, items = len(items) > limit, items[:limit]
    return Page(
        items=[MediaOut.of(i, media.deps.links) for i in items],
        next_cursor=encode_cursor({"id": items[-1].media_id}) if more else None,
    )


@router.get("/{media_id}")
async def get_media(media_id: str, caller: Viewer, media: MediaDep) -> MediaOut:
    """One media item, with its files once processed."""
    item = await assets.get(media.reader(), caller, media_id)
    return MediaOut.of(item, media.deps.links)


@router.patch("/{media_id}", responses=error_responses(409))
async def update_media(
    media_id: str, body: MediaUpdate, caller: Editor, media: MediaDep
) -> MediaOut:
    """Change the describing fields (title, caption, alt text, credit, licence, tags,
    language, decorative); a processed item's `MediaProcessed` is sent again."""
    item = await assets.describe(media.uow(), media.deps, caller, media_id, body.changes())
    return MediaOut.of(item, media.deps.links)


@router.delete(
    "/{media_id}", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(409)
)
async def delete_media(media_id: str, caller: Editor, media: MediaDep) -> Response:
    """Delete an item and its files; emits `MediaDeleted`."""
    deleted = await assets.delete(media.uow(), media.deps, caller, media_id)
    await assets.purge(media.uow(), media.deps, deleted)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{media_id}/original",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"image/*": {}, "application/pdf": {}}},
        206: {"description": "The range asked for"},
        304: {"description": "Not modified (If-None-Match)"},
        **error_responses(416),
    },
)
async def download_original(
    media_id: str, request: Request, caller: Viewer, media: MediaDep
) -> Response:
    """Download the original as uploaded (a download, whatever its type; Range supported)."""
    served = await serving.open_original(media.reader(), media.deps, caller.tenant_id, media_id)
    return file_response(request, served)


@router.post("/{media_id}/signed-urls")
async def sign_media_urls(
    media_id: str, body: SignedUrlsIn, caller: Editor, media: MediaDep
) -> SignedUrlsOut:
    """Signed, expiring links to the item's files, for someone without a key (a journalist
    under embargo, a preview), while the item is not public."""
    ttl_s = body.ttl_s or media.settings.signed_url_ttl_s
    signed = await links.signed_files(media.reader(), media.deps, caller, media_id, ttl_s)
    return SignedUrlsOut.of(signed)


def _content_length(request: Request) -> int | None:
    value = request.headers.get("content-length")
    return int(value) if value is not None and value.isdigit() else None


def _cursor_id(cursor: str) -> str:
    value = decode_cursor(cursor, required_keys=("id",))["id"]
    if not isinstance(value, str):
        raise BadRequest("invalid cursor", code="invalid_cursor")
    return value
