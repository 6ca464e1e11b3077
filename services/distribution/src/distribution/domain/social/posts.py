"""A post ready for a network's API: the adapters send exactly this."""

from __future__ import annotations

from dataclasses import dataclass

from distribution.domain.social.facets import Facet, facets_for
from distribution.domain.social.link_card import LinkCard, link_card
from distribution.domain.social.networks import Network
from distribution.domain.social.release import ReleaseForPost, SocialImage


@dataclass(frozen=True, slots=True)
class Post:
    network: Network
    text: str
    language: str  # Bluesky "langs", Mastodon "language"
    facets: tuple[Facet, ...] = ()  # Bluesky only: other networks find links and tags themselves
    image: SocialImage | None = None  # first post only
    link_card: LinkCard | None = None  # Bluesky's first post when there is no image
    reply_to_index: int | None = None  # in a thread: the index of the post this one replies to


def make_post(release: ReleaseForPost, network: Network, text: str, index: int = 0) -> Post:
    """Post ``index`` of a thread (0: the first, or only, post) with ``text``."""
    first = index == 0
    bluesky = network is Network.BLUESKY
    image = release.image if first else None
    return Post(
        network=network,
        text=text,
        language=release.language,
        facets=facets_for(text) if bluesky else (),
        image=image,
        link_card=link_card(release) if bluesky and first and image is None else None,
        reply_to_index=None if first else index - 1,
    )
