"""The widget's routes: ``/widget.js``, the frame page ``/widget/frame`` and its hashed files.

Static, not API (left out of the OpenAPI document), not rate limited (a proxy or CDN keeps
them). Every answer says its type and ``nosniff``; the frame page carries the policy that
keeps whatever visitors wrote from running anything (no inline script, nothing from elsewhere).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from comments.entrypoints.widget.assets import Asset, widget
from newsroom_shared.http.errors import NotFound

# Stable addresses: short, then revalidated with the ETag; hashed names never change.
STABLE_CACHE = "public, max-age=600"
HASHED_CACHE = "public, max-age=31536000, immutable"

# The frame runs only its own script and style, talks only to this origin, and may be
# embedded by any site (that is its purpose); links visitors wrote leak no frame address.
FRAME_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors *"
)

router = APIRouter(tags=["widget"], include_in_schema=False)


def _matches(request: Request, etag: str) -> bool:
    wanted = request.headers.get("if-none-match", "")
    tags = {tag.strip().removeprefix("W/") for tag in wanted.split(",")}
    return etag in tags or "*" in tags


def _answer(request: Request, asset: Asset, cache: str, **extra: str) -> Response:
    headers = {
        "ETag": asset.etag,
        "Cache-Control": cache,
        "X-Content-Type-Options": "nosniff",
        # Pages of any origin may load it (a site with Cross-Origin-Embedder-Policy too).
        "Cross-Origin-Resource-Policy": "cross-origin",
        **extra,
    }
    if _matches(request, asset.etag):
        return Response(status_code=304, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)


@router.get("/widget.js")
async def loader(request: Request) -> Response:
    """The one script tag's file: puts the release's thread in a frame after the tag."""
    return _answer(request, widget().loader, STABLE_CACHE)


@router.get("/widget/frame")
async def frame(request: Request) -> Response:
    """The frame's page (the release and language are in its query, read by its script)."""
    return _answer(
        request,
        widget().frame,
        STABLE_CACHE,
        **{"Content-Security-Policy": FRAME_POLICY, "Referrer-Policy": "no-referrer"},
    )


@router.get("/widget/{name}")
async def hashed(name: str, request: Request) -> Response:
    """The frame's script and styles, named by their content hash."""
    asset = widget().hashed.get(name)
    if asset is None:
        raise NotFound("no such widget file", code="not_found")
    return _answer(request, asset, HASHED_CACHE)
