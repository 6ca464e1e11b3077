"""Signed links as the API shows them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from media.service.links import SignedFiles


class SignedUrlsIn(BaseModel):
    # Not strict: JSON Schema's integer includes 600.0, so pydantic's lax int takes it.
    model_config = ConfigDict(extra="forbid")

    ttl_s: int | None = Field(
        default=None,
        ge=1,
        description="How long the links work, in seconds (default MEDIA_SIGNED_URL_TTL_S; "
        "a longer one is cut to MEDIA_SIGNED_URL_MAX_TTL_S: see `expires_at`)",
    )


class SignedUrlOut(BaseModel):
    name: str = Field(
        description="`original` (the upload without personal metadata: the upload itself is "
        "for staff only), or a rendition"
    )
    url: str


class SignedUrlsOut(BaseModel):
    access: str = Field(
        description="Who may fetch the plain URLs now: `public` (a public release names the "
        "item), `staff_only` (no known release, or embargoed ones only: drafts' media are "
        "never public) or `withdrawn`"
    )
    expires_at: datetime
    files: list[SignedUrlOut]

    @classmethod
    def of(cls, signed: SignedFiles) -> SignedUrlsOut:
        return cls(
            access=signed.access.value,
            expires_at=signed.expires_at,
            files=[SignedUrlOut(name=n, url=u) for n, u in signed.urls.items()],
        )
