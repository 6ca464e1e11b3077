"""Handling the media service's events: keep release media refs in step with the media."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from newsroom_shared.events.media import MediaDeleted, MediaProcessed, MediaRejected, Rendition
from newsroom_shared.events.publisher import ReleaseImage
from publisher.domain.content import ReleaseContent
from publisher.domain.errors import MediaNotPublishableError
from publisher.domain.gallery import current_gallery, in_gallery_order
from publisher.domain.media import (
    ImageSource,
    MediaDetails,
    MediaFact,
    MediaItem,
    unpublishable_media,
)
from publisher.domain.release import Release
from publisher.domain.social_image import social_image
from publisher.service.ports import Deps, UnitOfWork


async def record_media_fact(uow: UnitOfWork, deps: Deps, item: MediaItem) -> int:
    """Inside an open unit of work: store the news and update the tenant's releases that refer
    to the item; returns how many releases changed (0 for stale or repeated news)."""
    previous = await uow.media.get(item.tenant_id, item.media_id)
    if not item.supersedes(previous):
        return 0
    await uow.media.put(item)
    ref = item.as_ref()
    changed = 0
    for release in await uow.releases.referencing_media(item.tenant_id, item.media_id):
        if ref is None:
            touched = release.drop_media(item.media_id, deps.clock.now())
        else:
            touched = release.update_media(ref)
        if touched:
            await uow.releases.save(release, expected_version=release.version)
            changed += 1
    return changed


# Names the media service may give the rendition cut for social cards (1.91:1, ~1200x630).
SOCIAL_CARD_RENDITIONS = ("social_card", "social-card", "social")


def details_of(event: MediaProcessed) -> MediaDetails:
    """The item's looks: its social-card rendition when there is one (else the original) for
    social cards, and its uncropped web renditions for the gallery."""
    card = next((r for r in event.renditions if r.name in SOCIAL_CARD_RENDITIONS), None)
    original = next((r for r in event.renditions if r.name == "original"), None)
    if card is not None:
        content_type, url, width, height = card.content_type, card.url, card.width, card.height
    else:
        content_type, url = event.content_type, event.url
        width, height = (None, None) if original is None else (original.width, original.height)
    return MediaDetails(
        kind=event.kind,
        content_type=content_type,
        url=url,
        alt_text=event.alt_text,
        width=width,
        height=height,
        original_url=event.url,
        sources=gallery_sources(event.renditions),
        decorative=event.decorative,
        caption=event.caption,
        credit=event.credit,
        licence=event.licence,
        blurhash=event.blurhash,
        original_width=event.width,
        original_height=event.height,
    )


def gallery_sources(renditions: Sequence[Rendition]) -> tuple[ImageSource, ...]:
    """The renditions a page may show at any width: not the social card (cropped to 1.91:1)
    nor the original (as uploaded, maybe huge); narrowest first."""
    cropped_or_raw = {*SOCIAL_CARD_RENDITIONS, "original"}
    found = [
        ImageSource(r.url, r.content_type, r.width)
        for r in renditions
        if r.width
        and r.content_type.startswith("image/")
        and not any(r.name == n or r.name.startswith(f"{n}_") for n in cropped_or_raw)
    ]
    return tuple(sorted(found, key=lambda s: (s.content_type, s.width)))


def item_of(event: MediaProcessed | MediaRejected | MediaDeleted, deps: Deps) -> MediaItem:
    """The publisher's record of a media event."""
    details = None
    if isinstance(event, MediaProcessed):
        fact, at, details = MediaFact.PROCESSED, event.processed_at, details_of(event)
    elif isinstance(event, MediaRejected):
        fact, at = MediaFact.REJECTED, event.rejected_at
    else:
        fact, at = MediaFact.DELETED, event.deleted_at
    return MediaItem(
        tenant_id=event.tenant_id,
        media_id=event.media_id,
        fact=fact,
        happened_at=at,
        updated_at=deps.clock.now(),
        details=details,
    )


async def on_media_event(
    uow: UnitOfWork, deps: Deps, event: MediaProcessed | MediaRejected | MediaDeleted
) -> int:
    """Apply one media event in the unit of work (the consumer's inbox transaction)."""
    async with uow:
        return await record_media_fact(uow, deps, item_of(event, deps))


async def release_image(uow: UnitOfWork, release: Release) -> ReleaseImage | None:
    """Inside an open unit of work: the release's social-card image for its events, if any."""
    if not release.content.media_ids:
        return None
    items = await uow.media.get_many(release.tenant_id, release.content.media_ids)
    return image_of(await in_page_order(uow, release), items)


async def public_release_image(
    uow: UnitOfWork, release: Release, *, checked: Sequence[str] | None = None
) -> ReleaseImage | None:
    """Inside an open unit of work, for a release about to be public (or changed while it is):
    refuse it unless its media may be shown (:func:`unpublishable_media`; ``checked`` limits the
    check to some of its items), else its social-card image. One read of the media for both."""
    if not release.content.media_ids:
        return None
    items = await uow.media.get_many(release.tenant_id, release.content.media_ids)
    to_check = release.content.media_ids if checked is None else checked
    problems = unpublishable_media(to_check, items)
    if problems:
        raise MediaNotPublishableError([(p.media_id, p.reason) for p in problems])
    refresh_refs(release, items)
    return image_of(await in_page_order(uow, release), items)


def refresh_refs(release: Release, items: Mapping[str, MediaItem]) -> None:
    """The release's refs as the items just read say: what goes public shows what was checked.

    A draft made while the media consumer records its item's news can keep a pending ref: each
    transaction reads what the other has not committed yet (the draft no news, the consumer no
    draft naming the item), and no later event may come. Its public page shows ready refs only.
    """
    for item in items.values():
        ref = item.as_ref()
        if ref is not None:
            release.update_media(ref)


async def in_page_order(uow: UnitOfWork, release: Release) -> ReleaseContent:
    """The release's content with its media in the order its page shows them (its gallery's,
    from the media service), so that without an editors' choice the events' image is the
    page's first picture. The gallery is read only when it could change that choice."""
    content = release.content
    if content.social_card_media_id is not None or len(content.media_ids) < 2:
        return content
    gallery = current_gallery(await uow.galleries.naming(release.tenant_id, [release.id]))
    ordered = [media_id for media_id, _ in in_gallery_order(content.media_ids, gallery)]
    return replace(content, media_ids=ordered)


def image_of(content: ReleaseContent, items: Mapping[str, MediaItem]) -> ReleaseImage | None:
    chosen = social_image(content, items)
    if chosen is None:
        return None
    _, image = chosen
    return ReleaseImage(
        url=image.url, alt_text=image.alt_text, width=image.width, height=image.height
    )
