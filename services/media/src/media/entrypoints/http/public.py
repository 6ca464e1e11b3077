"""What anyone may read of a release's media: its gallery (and its press kit)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse

from media.adapters.zip_stream import zipped
from media.entrypoints.http.dependencies import MediaDep
from media.entrypoints.http.files import PRIVATE, SANDBOX, etag_matches, proof_of
from media.entrypoints.http.schemas.galleries import PublicGalleryOut
from media.service import public
from media.service.press_kit import PressKit, open_press_kit
from newsroom_shared.http.errors import error_responses

# Anyone may keep a public kit, but must ask again each time: a caption may have changed,
# and a withdrawal must take effect (the ETag makes asking again cheap).
REVALIDATE = "public, no-cache"

router = APIRouter(prefix="/v1/public/{tenant_id}/releases/{release_id}", tags=["public"])


@router.get("/gallery", responses=error_responses(410))
async def get_release_gallery(tenant_id: str, release_id: str, media: MediaDep) -> PublicGalleryOut:
    """A public release's gallery: its items in order with captions, alt text, credits,
    licences and file URLs (404 unless the release is public; 410 once withdrawn)."""
    found = await public.release_gallery(media.reader(), tenant_id, release_id)
    return PublicGalleryOut.of(found, media.deps.links)


@router.get(
    "/press-kit.zip",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/zip": {}}},
        304: {"description": "Not modified (If-None-Match)"},
        **error_responses(401, 403, 410),
    },
)
async def get_press_kit(
    tenant_id: str, release_id: str, request: Request, media: MediaDep
) -> Response:
    """The release's media as one ZIP: each processed item's original (in the gallery's order)
    and a manifest of credits, licences, captions and alt text (`manifest.json`,
    `MANIFEST.txt`). Streamed with its exact `Content-Length` and a strong `ETag`. Public
    for a public release; otherwise only with the tenant's API key or a signed link
    (`POST /v1/releases/{release_id}/press-kit/signed-url`)."""
    proof = await proof_of(request, tenant_id)
    kit = await open_press_kit(media.reader(), media.deps, tenant_id, release_id, proof)
    headers = kit_headers(kit)
    if etag_matches(request.headers.get("if-none-match"), kit.plan.etag):
        return Response(status_code=304, headers=headers)
    length, body = zipped(kit)
    headers["Content-Length"] = str(length)
    return StreamingResponse(body, media_type="application/zip", headers=headers)


def kit_headers(kit: PressKit) -> dict[str, str]:
    name = kit.plan.filename  # ASCII already (safe_stem)
    return {
        "ETag": f'"{kit.plan.etag}"',
        "Cache-Control": REVALIDATE if kit.public else PRIVATE,
        "Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": SANDBOX,
    }
