"""The embargo preview page: an embargoed release for the journalists invited to read it early,
with its pictures.

Media serves a release's files to the public only once it is published; before, through signed,
expiring links. So the preview's pictures carry links the publisher signs with the media
service's keys (``Deps.media_signer``), each expiring no later than the preview link itself (a
link outliving its page would outlive the invitation). Without the keys the preview shows no
pictures, as before.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from publisher.domain.content import MediaState
from publisher.domain.media import ImageSource, MediaDetails
from publisher.service.pages import GalleryImage, arrangements, gallery_of
from publisher.service.ports import Deps, MediaSigner, UnitOfWork
from publisher.service.public import preview
from publisher.service.views import ReleaseView


@dataclass(frozen=True, slots=True)
class PreviewPage:
    view: ReleaseView
    gallery: tuple[GalleryImage, ...] = ()
    """The release's pictures as its page will show them, through signed links."""


async def preview_page(uow: UnitOfWork, deps: Deps, token: str) -> PreviewPage:
    """The embargoed release behind a valid preview link (NotFoundError otherwise)."""
    view = await preview(uow, deps, token)
    release, signer = view.release, deps.media_signer
    token_expiry = deps.links.preview_expires_at(token)
    if signer is None or release.embargo_until is None or token_expiry is None:
        return PreviewPage(view)
    ready = [r.media_id for r in release.media if r.state is MediaState.READY]
    if not ready:
        return PreviewPage(view)
    async with uow:
        items = await uow.media.get_many(release.tenant_id, ready)
        arranged = (await arrangements(uow, [release])).get(release.id)
    expires_at = min(release.embargo_until, token_expiry)
    signed = [
        signed_image(image, signer, release.tenant_id, expires_at)
        for image in gallery_of(ready, items, arranged)
    ]
    return PreviewPage(view, tuple(image for image in signed if image is not None))


def signed_image(
    image: GalleryImage, signer: MediaSigner, tenant_id: str, expires_at: datetime
) -> GalleryImage | None:
    """The picture with every link signed (its renditions and the original's download), or
    None when one cannot be (a file not of the tenant's: shown by no link rather than broken)."""

    def sign(url: str) -> str:
        signed = signer.signed(tenant_id, url, expires_at)
        if signed is None:
            raise LookupError(url)
        return signed

    details = image.details
    try:
        looks: MediaDetails = replace(
            details,
            url=sign(details.url),
            original_url=sign(details.original_url) if details.original_url else "",
            sources=tuple(
                ImageSource(sign(s.url), s.content_type, s.width) for s in details.sources
            ),
        )
    except LookupError:
        return None
    return replace(image, details=looks)
