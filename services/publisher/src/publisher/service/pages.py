"""The public web pages' use cases: which release a visitor may read, by its stable URL.

A page is found by ``/<newsroom slug>/releases/<release id>`` (the URL events and emails carry):
the slug names the newsroom, and so the tenant; the release must belong to that very newsroom.
Only published releases are shown. A release that was public and is now withdrawn is gone, and
says so; a draft, a scheduled or an embargoed release (even one withdrawn before it ever went
out) does not exist for a visitor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from publisher.domain.archive import Period
from publisher.domain.content import MediaState
from publisher.domain.errors import NotFoundError
from publisher.domain.gallery import KnownGallery, current_gallery, in_gallery_order
from publisher.domain.media import MediaDetails, MediaItem, logo_image
from publisher.domain.newsroom import Newsroom
from publisher.domain.release import Release
from publisher.domain.social_image import social_image
from publisher.domain.translations import public
from publisher.domain.workflow import Status
from publisher.service.ports import PublicPosition, Site, UnitOfWork
from publisher.service.views import ReleaseView, Slice


@dataclass(frozen=True, slots=True)
class GalleryImage:
    media_id: str
    details: MediaDetails
    happened_at: datetime  # the media service's time of this description (the page's version)
    caption: str = ""  # the release's gallery's caption for it, else the item's own

    def __post_init__(self) -> None:
        if not self.caption:
            object.__setattr__(self, "caption", self.details.caption)


@dataclass(frozen=True, slots=True)
class ReleasePage:
    """A release a visitor may see; ``withdrawn`` pages show only the withdrawal notice."""

    view: ReleaseView
    gallery: tuple[GalleryImage, ...] = ()
    """The release's processed images with web renditions, in its gallery's order (the media
    service's, with its captions) when it has one, else in the release's order."""
    arranged: KnownGallery | None = None
    """The release's gallery (the page changes with it), if it has one."""
    card: MediaDetails | None = None
    """The page's share image (OpenGraph, JSON-LD): the editors' social card, else the
    gallery's first picture."""
    translations: tuple[Release, ...] = ()
    """The release and its published translations, by language; empty when it has none."""
    logo: GalleryImage | None = None
    """The newsroom's logo, when it has one the pages may show."""

    @property
    def withdrawn(self) -> bool:
        return self.view.release.status is Status.WITHDRAWN


def was_public(release: Release) -> bool:
    """Published now, or withdrawn after it had been published."""
    if release.status is Status.PUBLISHED:
        return True
    return release.status is Status.WITHDRAWN and release.published_at is not None


async def release_page(uow: UnitOfWork, newsroom_slug: str, release_id: str) -> ReleasePage:
    """The release at its public URL; NotFoundError unless a visitor may know it exists."""
    async with uow:
        newsroom = await uow.newsrooms.get_by_slug(newsroom_slug)
        release = (
            None if newsroom is None else await uow.releases.get(newsroom.tenant_id, release_id)
        )
        if newsroom is None or release is None or release.newsroom_id != newsroom.id:
            raise NotFoundError("release", release_id)
        if not was_public(release):
            raise NotFoundError("release", release_id)
        ready = [r.media_id for r in release.media if r.state is MediaState.READY]
        wanted = [*ready, *logo_ids(newsroom)]  # the release's pictures and the logo: one read
        items = await uow.media.get_many(release.tenant_id, wanted) if wanted else {}
        arranged = (await arrangements(uow, [release])).get(release.id)
        found = await published_translations(uow, [release])
    translated = tuple(found.get(release.translation_group or "", ()))
    gallery = gallery_of(ready, items, arranged)
    return ReleasePage(
        ReleaseView(release, newsroom),
        gallery,
        translations=translated,
        arranged=arranged,
        card=page_card(release, items, gallery),
        logo=logo_in(newsroom, items),
    )


def logo_ids(newsroom: Newsroom) -> list[str]:
    return [] if newsroom.logo_media_id is None else [newsroom.logo_media_id]


def logo_in(newsroom: Newsroom, items: Mapping[str, MediaItem]) -> GalleryImage | None:
    """The newsroom's logo among ``items`` (read in the newsroom's own tenant), if the pages
    may show it: a processed image; deleted, rejected or unknown items show none."""
    item = None if newsroom.logo_media_id is None else items.get(newsroom.logo_media_id)
    details = logo_image(item)
    if item is None or details is None:
        return None
    return GalleryImage(item.media_id, details, item.happened_at)


async def newsroom_logo(uow: UnitOfWork, newsroom: Newsroom) -> GalleryImage | None:
    """The logo of a page that shows no media of its own (archive, search, subscribing): one
    read, and none without a logo."""
    if newsroom.logo_media_id is None:
        return None
    async with uow:
        items = await uow.media.get_many(newsroom.tenant_id, logo_ids(newsroom))
    return logo_in(newsroom, items)


async def arrangements(uow: UnitOfWork, releases: Sequence[Release]) -> dict[str, KnownGallery]:
    """Inside an open unit of work: the galleries of one tenant's ``releases`` (those that have
    one), by release id, as the media service last told; one read."""
    found = await uow.galleries.naming(releases[0].tenant_id, [r.id for r in releases])
    by_release: dict[str, list[KnownGallery]] = {}
    for gallery in found:
        by_release.setdefault(gallery.release_id or "", []).append(gallery)
    current = {release_id: current_gallery(named) for release_id, named in by_release.items()}
    return {release_id: gallery for release_id, gallery in current.items() if gallery}


def page_card(
    release: Release, items: Mapping[str, MediaItem], gallery: Sequence[GalleryImage]
) -> MediaDetails | None:
    """The editors' social card when they named one (even if not shown, as in the release's
    events: no silent substitute), else the first picture the page shows."""
    if release.content.social_card_media_id is not None:
        chosen = social_image(release.content, items)
        return None if chosen is None else chosen[1]
    return next(
        (image.details for image in gallery if image.details.url.startswith("https://")), None
    )


async def published_translations(
    uow: UnitOfWork, releases: Sequence[Release]
) -> dict[str, list[Release]]:
    """The published members of each translation group of one newsroom's ``releases`` (by
    group, by language; only groups with a translation to offer), from one read. Drafts,
    scheduled, embargoed and withdrawn translations are never offered to readers."""
    groups = sorted({r.translation_group for r in releases if r.translation_group})
    if not groups:
        return {}
    members = await uow.releases.translations(releases[0].tenant_id, groups)
    newsroom_id = releases[0].newsroom_id
    found: dict[str, list[Release]] = {}
    for member in members:
        if member.newsroom_id == newsroom_id and member.translation_group:
            found.setdefault(member.translation_group, []).append(member)
    offered = {group: public(found_members) for group, found_members in found.items()}
    return {group: shown for group, shown in offered.items() if len(shown) > 1}


async def release_pictures(
    uow: UnitOfWork, releases: Sequence[Release]
) -> dict[str, tuple[GalleryImage, ...]]:
    """The pictures of each of one newsroom's ``releases`` (as their pages show them), by
    release id, from one read of the media the publisher recorded."""
    ready = {r.id: [m.media_id for m in r.media if m.state is MediaState.READY] for r in releases}
    wanted = sorted({media_id for ids in ready.values() for media_id in ids})
    if not wanted:
        return {}
    async with uow:
        items = await uow.media.get_many(releases[0].tenant_id, wanted)
        arranged = await arrangements(uow, [r for r in releases if ready[r.id]])
    found = {
        release_id: gallery_of(ids, items, arranged.get(release_id))
        for release_id, ids in ready.items()
    }
    return {release_id: pictures for release_id, pictures in found.items() if pictures}


async def translations_of(uow: UnitOfWork, releases: Sequence[Release]) -> dict[str, list[Release]]:
    """:func:`published_translations` in a unit of work of its own (a sitemap's releases)."""
    async with uow:
        return await published_translations(uow, releases)


def gallery_of(
    media_ids: list[str], items: Mapping[str, MediaItem], arranged: KnownGallery | None = None
) -> tuple[GalleryImage, ...]:
    """The items to show as pictures, in the gallery's order with its captions (``arranged``,
    :func:`in_gallery_order`), else in ``media_ids``' order: processed images that have web
    renditions (documents, videos and items recorded before renditions were kept are not)."""
    gallery = []
    for media_id, caption in in_gallery_order(media_ids, arranged):
        item = items.get(media_id)
        details = None if item is None else item.details
        if item is not None and details is not None and details.is_image and details.shown:
            gallery.append(GalleryImage(media_id, details, item.happened_at, caption))
    return tuple(gallery)


@dataclass(frozen=True, slots=True)
class Listing:
    """A newsroom and one page of its published releases, newest first."""

    newsroom: Newsroom
    releases: Slice[Release]


async def newsroom_home(
    uow: UnitOfWork, newsroom_slug: str, *, after: PublicPosition | None, limit: int
) -> Listing:
    """The newsroom's front page (embargoed releases stay out until the lift)."""
    return await listing(uow, newsroom_slug, after=after, limit=limit)


async def listing(
    uow: UnitOfWork,
    newsroom_slug: str,
    *,
    after: PublicPosition | None,
    limit: int,
    tag: str | None = None,
    within: Period | None = None,
) -> Listing:
    """The newsroom's published releases, newest first: all, with ``tag``, or ``within``."""
    async with uow:
        return await read_listing(
            uow, newsroom_slug, after=after, limit=limit, tag=tag, within=within
        )


async def read_listing(
    uow: UnitOfWork,
    newsroom_slug: str,
    *,
    after: PublicPosition | None,
    limit: int,
    tag: str | None = None,
    within: Period | None = None,
) -> Listing:
    newsroom = await uow.newsrooms.get_by_slug(newsroom_slug)
    if newsroom is None:
        raise NotFoundError("newsroom", newsroom_slug)
    rows = await uow.releases.list_published(
        newsroom.tenant_id,
        newsroom.id,
        tag=tag,
        language=None,
        after=after,
        limit=limit + 1,
        within=within,
    )
    return Listing(newsroom, Slice.of(rows, limit))


async def public_newsroom(uow: UnitOfWork, newsroom_slug: str) -> Newsroom:
    """The newsroom of a page that shows no release (subscribing); NotFoundError if none."""
    async with uow:
        newsroom = await uow.newsrooms.get_by_slug(newsroom_slug)
    if newsroom is None:
        raise NotFoundError("newsroom", newsroom_slug)
    return newsroom


async def newsrooms_for_sitemap(uow: UnitOfWork, *, limit: int) -> list[Newsroom]:
    """Every newsroom, by id (the site's sitemap index lists one sitemap per newsroom on this
    site; one on its own domain is named by that domain's robots.txt instead)."""
    async with uow:
        return await uow.newsrooms.page_all(after_id=None, limit=limit)


async def sites(uow: UnitOfWork) -> list[Site]:
    """Every newsroom served on its own domain (the map from a request's host)."""
    async with uow:
        return await uow.newsrooms.sites()
