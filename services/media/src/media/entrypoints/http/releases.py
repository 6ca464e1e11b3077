"""Staff's view of the releases media knows of: a signed link to a release's press kit."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from media.entrypoints.http.dependencies import Editor, MediaDep
from media.entrypoints.http.schemas.links import SignedUrlsIn
from media.service import press_kit

router = APIRouter(prefix="/v1/releases", tags=["press kits"])


class SignedKitOut(BaseModel):
    url: str
    expires_at: datetime


@router.post("/{release_id}/press-kit/signed-url")
async def sign_press_kit_url(
    release_id: str, body: SignedUrlsIn, caller: Editor, media: MediaDep
) -> SignedKitOut:
    """A signed, expiring link to the release's press kit, for someone without a key while
    the release is embargoed (404 for a release media has not heard of, such as a draft)."""
    ttl_s = body.ttl_s or media.settings.signed_url_ttl_s
    signed = await press_kit.signed_kit(media.reader(), media.deps, caller, release_id, ttl_s)
    return SignedKitOut(url=signed.url, expires_at=signed.expires_at)
