"""The newsroom's home page: its releases, its logo, and the featured media of its latest
releases (each one's lead picture), with the logo and the pictures in one read of the media.

The lead picture is the editors' social card, else the release's first processed picture in
the release's own order: its gallery's order would cost another read per page (galleries).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from publisher.domain.content import MediaState
from publisher.domain.media import MediaItem
from publisher.domain.release import Release
from publisher.service.pages import (
    GalleryImage,
    Listing,
    gallery_of,
    logo_ids,
    logo_in,
    read_listing,
)
from publisher.service.ports import PublicPosition, UnitOfWork

# The home page's featured media: the latest releases' lead pictures, one each.
FEATURED = 6
# Of each release, the items read to find its lead picture (its social card first): enough to
# pass a document or a video ahead of its first picture, few enough to keep the read small.
CANDIDATES_PER_RELEASE = 8


@dataclass(frozen=True, slots=True)
class Featured:
    release: Release
    picture: GalleryImage


@dataclass(frozen=True, slots=True)
class FrontPage:
    """A newsroom's home: one page of its releases, its logo, and (on the first page) the
    lead pictures of its latest releases."""

    home: Listing
    logo: GalleryImage | None
    featured: tuple[Featured, ...] = ()


def lead_candidates(release: Release) -> list[str]:
    """The items that may be the release's lead picture, in order: the editors' social card,
    then the release's ready media in its own order."""
    ready = [m.media_id for m in release.media if m.state is MediaState.READY]
    card = release.content.social_card_media_id
    ordered = [card, *ready] if card is not None and card in ready else ready
    return list(dict.fromkeys(ordered))[:CANDIDATES_PER_RELEASE]


def featured_of(
    releases: Sequence[Release], items: Mapping[str, MediaItem], limit: int = FEATURED
) -> tuple[Featured, ...]:
    """Up to ``limit`` releases' lead pictures, newest release first (one picture each, the
    first of :func:`lead_candidates` that the release page would show as a picture)."""
    found = []
    for release in releases:
        shown = gallery_of(lead_candidates(release), items)
        if shown:
            found.append(Featured(release, shown[0]))
        if len(found) == limit:
            break
    return tuple(found)


async def front_page(
    uow: UnitOfWork, newsroom_slug: str, *, after: PublicPosition | None, limit: int
) -> FrontPage:
    """The newsroom's home page: its releases (as :func:`newsroom_home`), then one read of
    the media for the logo and the featured pictures together."""
    async with uow:
        home = await read_listing(uow, newsroom_slug, after=after, limit=limit)
        newsroom = home.newsroom
        releases = home.releases.items if after is None else []
        wanted = [*logo_ids(newsroom), *(i for r in releases for i in lead_candidates(r))]
        unique = list(dict.fromkeys(wanted))
        items = await uow.media.get_many(newsroom.tenant_id, unique) if unique else {}
    return FrontPage(home, logo_in(newsroom, items), featured_of(releases, items))
