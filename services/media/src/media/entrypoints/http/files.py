"""Serving files: content-addressed, cacheable forever, ranges, never sniffed.

A file's URL carries its content's SHA-256, so its ETag is strong and it may be cached as
immutable. Anyone may fetch the files of an item a public release names (pages, feeds, social
networks and email show these); any other item's files need the tenant's API key or a signed,
expiring link (``?expires=&signature=``), and are never kept by shared caches. Scoped by the
tenant the path names: another tenant's ids are not found.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse

from media.domain.ranges import ByteRange, UnsatisfiableRangeError, parse_range
from media.entrypoints.http.dependencies import MediaDep
from media.service import serving
from media.service.serving import Proof, ServedFile
from newsroom_shared.http.auth import get_principal
from newsroom_shared.http.errors import ApiError, error_responses

router = APIRouter(tags=["files"])
IMMUTABLE = "public, max-age=31536000, immutable"
PRIVATE = "private, no-store"  # staff's or a signed link's: no shared cache may keep it
# A file opened directly in a browser can run nothing and load nothing.
SANDBOX = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


class RangeNotSatisfiable(ApiError):  # noqa: N818 (HTTP status names read better)
    status = 416
    default_code = "range_not_satisfiable"
    default_message = "The range lies beyond the end of the file"


FILE_PATH = "/files/{tenant_id}/{media_id}/{file_name}"


@router.get(
    FILE_PATH,
    response_class=StreamingResponse,
    responses={
        200: {"content": {"image/*": {}, "application/pdf": {}}},
        206: {"description": "The range asked for"},
        304: {"description": "Not modified (If-None-Match)"},
        **error_responses(401, 403, 410, 416),
    },
)
async def get_file(
    tenant_id: str, media_id: str, file_name: str, request: Request, media: MediaDep
) -> Response:
    """A file of a media item: `<name>-<sha256>.<ext>`, as the item's `files` list it.

    Public if a public release names the item; otherwise only with the tenant's API key or a
    signed link (`expires`, `signature`: `POST /v1/media/{media_id}/signed-urls`). 404 when not
    public and neither is shown, 403 `link_expired` / `invalid_signature`, 410 `withdrawn`
    when every release naming it was withdrawn."""
    proof = await proof_of(request, tenant_id)
    served = await serving.open_file(
        media.reader(), media.deps, tenant_id, media_id, file_name, proof
    )
    return file_response(request, served)


@router.head(FILE_PATH, include_in_schema=False)  # HEAD is implied by GET (RFC 9110)
async def head_file(
    tenant_id: str, media_id: str, file_name: str, request: Request, media: MediaDep
) -> Response:
    """The answer GET would give, without its body (link previews and caches ask this)."""
    proof = await proof_of(request, tenant_id)
    served = await serving.open_file(
        media.reader(), media.deps, tenant_id, media_id, file_name, proof
    )
    answer = file_response(request, served)  # its body is never read
    return Response(status_code=answer.status_code, headers=dict(answer.headers))


async def proof_of(request: Request, tenant_id: str) -> Proof:
    """What the caller shows: an API key (checked, 401 if invalid) of the path's tenant, and
    the signed link's query."""
    staff = False
    if request.headers.get("authorization") or request.headers.get("x-api-key"):
        staff = (await get_principal(request)).tenant_id == tenant_id
    query = request.query_params
    return Proof(staff=staff, expires=query.get("expires"), signature=query.get("signature"))


def file_response(request: Request, served: ServedFile) -> Response:
    file = served.file
    size = served.content.length
    headers = {
        "ETag": f'"{file.digest}"',
        "Cache-Control": IMMUTABLE if served.public else PRIVATE,
        "Accept-Ranges": "bytes",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": SANDBOX,
        "Content-Disposition": _disposition(served),
    }
    if etag_matches(request.headers.get("if-none-match"), file.digest):
        return Response(status_code=304, headers=headers)
    wanted = _range(request, file.digest, size)
    if wanted is None:
        headers["Content-Length"] = str(size)
        return StreamingResponse(
            served.content.chunks(), media_type=file.content_type, headers=headers
        )
    headers["Content-Range"] = wanted.content_range(size)
    headers["Content-Length"] = str(wanted.length)
    return StreamingResponse(
        served.content.chunks(wanted.start, wanted.end),
        status_code=206,
        media_type=file.content_type,
        headers=headers,
    )


def _range(request: Request, digest: str, size: int) -> ByteRange | None:
    if_range = request.headers.get("if-range")
    if if_range is not None and if_range.strip() != f'"{digest}"':
        return None  # the client's copy is another file: send this one whole
    try:
        return parse_range(request.headers.get("range"), size)
    except UnsatisfiableRangeError:
        raise RangeNotSatisfiable(
            f"The file has {size} bytes", headers={"Content-Range": f"bytes */{size}"}
        ) from None


def etag_matches(if_none_match: str | None, digest: str) -> bool:
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or f'"{digest}"' in tags


def _disposition(served: ServedFile) -> str:
    """Originals download (a PDF or image opened from our origin shows nothing of ours);
    renditions show inline. The name is ASCII-safe, with the UTF-8 form beside it."""
    file = served.file
    stem = served.item.filename.rsplit(".", 1)[0]
    name = stem if served.is_original else f"{stem}-{file.name}"
    filename = f"{name}.{file.extension}"
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    kind = "attachment" if served.is_original else "inline"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{_quote(filename)}"


def _quote(text: str) -> str:
    return quote(text, safe="")
