"""Resumable uploads over tus 1.0 (core, creation, expiration, termination): what Uppy and
other tus clients speak. Staff only, scoped to the key's tenant like every other route."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response, status

from media.domain.resumable import ResumableUpload
from media.entrypoints.http import tus
from media.entrypoints.http.dependencies import Editor, MediaDep
from media.service import resumable, resumable_end
from newsroom_shared.http.errors import UnsupportedMediaType, error_responses

router = APIRouter(prefix=tus.PATH, tags=["resumable uploads (tus)"])

PIECE_BODY = {
    "required": True,
    "description": "The upload's next bytes, from Upload-Offset on (any number of them)",
    "content": {tus.PIECE_TYPE: {"schema": {"type": "string", "format": "binary"}}},
}


# Not in the OpenAPI document: protocol discovery (and browsers' CORS preflight, which asks
# the upload's URL before a PATCH or DELETE), answered to anyone with no error of its own;
# the README and tus.io describe it.
@router.options("", status_code=status.HTTP_204_NO_CONTENT, include_in_schema=False)
@router.options("/{upload_id}", status_code=status.HTTP_204_NO_CONTENT, include_in_schema=False)
async def tus_options(media: MediaDep) -> Response:
    """What this tus server speaks: its version, extensions and largest upload (no key needed:
    it says nothing of any tenant, and browsers ask it before they send one)."""
    return Response(
        status_code=status.HTTP_204_NO_CONTENT,
        headers={
            "Tus-Version": tus.VERSION,
            "Tus-Extension": tus.EXTENSIONS,
            "Tus-Max-Size": str(media.deps.limits.largest_upload()),
        },
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    dependencies=[tus.TusVersion],
    responses=error_responses(400, 412, 413, 422),
)
async def create_upload(
    request: Request,
    caller: Editor,
    media: MediaDep,
    upload_length: Annotated[str | None, Header(alias="Upload-Length")] = None,
    upload_metadata: Annotated[
        str | None,
        Header(alias="Upload-Metadata", description="`filename` (or `name`) and `title`"),
    ] = None,
) -> Response:
    """Create an upload of `Upload-Length` bytes; its URL is in `Location`.

    Refused at once (413) past the largest upload taken or the tenant's quota."""
    length = tus.non_negative(upload_length, "Upload-Length")
    described = tus.metadata(upload_metadata)
    upload = await resumable.create(
        media.uow(),
        media.deps,
        caller,
        length=length,
        filename=described.get("filename") or described.get("name"),
        title=described.get("title", "")[:500],
        expire_s=media.settings.tus_expire_s,
    )
    location = f"{request.scope.get('root_path', '')}{tus.PATH}/{upload.upload_id}"
    headers = {"Location": location, **_state(upload)}
    return Response(status_code=status.HTTP_201_CREATED, headers=headers)


@router.head("/{upload_id}", dependencies=[tus.TusVersion], responses=error_responses(412))
async def upload_offset(upload_id: str, caller: Editor, media: MediaDep) -> Response:
    """How far the upload is (`Upload-Offset`); `Media-Id` once its item is made."""
    upload = await resumable.find(media.reader(), media.deps, caller, upload_id)
    headers = {"Cache-Control": "no-store", **_state(upload)}
    metadata = tus.encoded_metadata({"filename": upload.filename or "", "title": upload.title})
    if metadata:
        headers["Upload-Metadata"] = metadata
    return Response(status_code=status.HTTP_200_OK, headers=headers)


def _piece_type(request: Request) -> None:
    """A piece's body must say it is one (a missing body says nothing: refused here too)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != tus.PIECE_TYPE:
        raise UnsupportedMediaType(f"A tus piece is sent as Content-Type: {tus.PIECE_TYPE}")


@router.patch(
    "/{upload_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Depends(_piece_type), tus.TusVersion],
    responses=error_responses(400, 409, 412, 413, 415, 422),
    openapi_extra={"requestBody": PIECE_BODY},
)
async def append_to_upload(
    upload_id: str,
    request: Request,
    caller: Editor,
    media: MediaDep,
    upload_offset: Annotated[str | None, Header(alias="Upload-Offset")] = None,
) -> Response:
    """Send the bytes from `Upload-Offset` on (409 if the upload is elsewhere: ask with HEAD).

    With the last byte the item is made, checked like a streamed upload (`POST /v1/media`):
    a refused file answers as there (413, 415, 422), keeps no byte and emits `MediaRejected`;
    else `Media-Id` names the item, `uploaded` until its renditions are made."""
    offset = tus.non_negative(upload_offset, "Upload-Offset")
    upload = await resumable.append(
        media.uow(),
        media.deps,
        caller,
        upload_id,
        offset=offset,
        chunks=tus.body_until_cut(request),
        expire_s=media.settings.tus_expire_s,
    )
    headers = _state(upload)
    if upload.received and upload.media_id is None:
        item = await resumable_end.take(media.uow(), media.deps, caller, upload)
        media.doorbell.ring()
        headers["Media-Id"] = item.media_id
    return Response(status_code=status.HTTP_204_NO_CONTENT, headers=headers)


@router.delete(
    "/{upload_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[tus.TusVersion],
    responses=error_responses(412),
)
async def terminate_upload(upload_id: str, caller: Editor, media: MediaDep) -> Response:
    """Stop an upload and delete what it received (an item already made of it stays)."""
    await resumable.terminate(media.uow(), media.deps, caller, upload_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _state(upload: ResumableUpload) -> dict[str, str]:
    headers = {
        "Upload-Offset": str(upload.offset),
        "Upload-Length": str(upload.length),
        "Upload-Expires": tus.http_date(upload.expires_at),
    }
    if upload.media_id is not None:
        headers["Media-Id"] = upload.media_id
    return headers
