"""What the public sees of a release: its gallery (only while the release is public)."""

from __future__ import annotations

from dataclasses import dataclass

from media.domain.errors import MediaNotFoundError, NotPublicError
from media.domain.gallery import Gallery, GalleryItem
from media.domain.item import MediaItem, Status
from media.domain.releases import Access, KnownRelease, ReleaseState, admit
from media.service.ports import UnitOfWork
from newsroom_shared.signed_urls import Verdict


@dataclass(frozen=True, slots=True)
class Shown:
    """One item as a release shows it: its place (caption) and the item."""

    place: GalleryItem
    item: MediaItem


@dataclass(frozen=True, slots=True)
class ReleaseGallery:
    release: KnownRelease
    gallery: Gallery
    shown: list[Shown]


ACCESS = {
    ReleaseState.PUBLIC: Access.PUBLIC,
    ReleaseState.EMBARGOED: Access.STAFF_ONLY,
    ReleaseState.WITHDRAWN: Access.WITHDRAWN,
}


async def known_release(
    uow: UnitOfWork, tenant_id: str, release_id: str, *, staff: bool, signature: Verdict
) -> KnownRelease:
    """Inside an open unit of work: the release, if this caller may see it (see ``admit``)."""
    release = await uow.releases.get(tenant_id, release_id)
    if release is None:
        raise NotPublicError(f"No public release {release_id}")  # a draft is not known here
    admit(ACCESS[release.state], staff=staff, signature=signature)
    return release


async def shown_items(
    uow: UnitOfWork, release: KnownRelease, gallery: Gallery | None
) -> list[Shown]:
    """The release's processed items: in the gallery's order with its captions, then those
    the gallery leaves out; only items the release names (those its state makes public)."""
    named = set(release.media_ids)
    places = [] if gallery is None else [p for p in gallery.items if p.media_id in named]
    placed = {p.media_id for p in places}
    places += [GalleryItem(m) for m in release.media_ids if m not in placed]
    items = await uow.media.many(release.tenant_id, [p.media_id for p in places])
    ready = {i.media_id: i for i in items if i.status is Status.PROCESSED and i.reason is None}
    return [Shown(p, ready[p.media_id]) for p in places if p.media_id in ready]


async def release_gallery(uow: UnitOfWork, tenant_id: str, release_id: str) -> ReleaseGallery:
    """A public release's gallery: its items the release names, processed, in order."""
    async with uow:
        release = await known_release(
            uow, tenant_id, release_id, staff=False, signature=Verdict.ABSENT
        )
        gallery = await uow.galleries.of_release(tenant_id, release_id)
        if gallery is None:
            raise MediaNotFoundError(f"Release {release_id} has no gallery")
        named = set(release.media_ids)
        only_gallery = [p for p in gallery.items if p.media_id in named]
        items = await uow.media.many(tenant_id, [p.media_id for p in only_gallery])
    ready = {i.media_id: i for i in items if i.status is Status.PROCESSED and i.reason is None}
    shown = [Shown(p, ready[p.media_id]) for p in only_gallery if p.media_id in ready]
    return ReleaseGallery(release, gallery, shown)
