"""What anyone may read of a release's media: its gallery (and its press kit)."""

from __future__ import annotations

from fastapi import APIRouter

from media.entrypoints.http.dependencies import MediaDep
from media.entrypoints.http.schemas.galleries import PublicGalleryOut
from media.service import public
from newsroom_shared.http.errors import error_responses

router = APIRouter(prefix="/v1/public/{tenant_id}/releases/{release_id}", tags=["public"])


@router.get("/gallery", responses=error_responses(410))
async def get_release_gallery(tenant_id: str, release_id: str, media: MediaDep) -> PublicGalleryOut:
    """A public release's gallery: its items in order with captions, alt text, credits,
    licences and file URLs (404 unless the release is public; 410 once withdrawn)."""
    found = await public.release_gallery(media.reader(), tenant_id, release_id)
    return PublicGalleryOut.of(found, media.deps.links)
