"""Social posts of a published release: composed to fit each network's limit, counted the way
each network counts, split into threads, with Bluesky's facets and link card. Plain Python, no
I/O: the network adapters send what these functions return."""

from distribution.domain.social.compose import compose
from distribution.domain.social.errors import (
    InvalidReleaseLinkError,
    PostDoesNotFitError,
    SocialPostError,
)
from distribution.domain.social.facets import Facet, LinkFeature, TagFeature, facets_for
from distribution.domain.social.hashtags import hashtag_for, hashtags_for
from distribution.domain.social.link_card import LinkCard, link_card
from distribution.domain.social.networks import (
    Network,
    TextLimit,
    length,
    limit_for,
    mastodon_limit,
    supports_threads,
)
from distribution.domain.social.posts import Post
from distribution.domain.social.release import ReleaseForPost, SocialImage
from distribution.domain.social.threads import split_thread

__all__ = [
    "Facet",
    "InvalidReleaseLinkError",
    "LinkCard",
    "LinkFeature",
    "Network",
    "Post",
    "PostDoesNotFitError",
    "ReleaseForPost",
    "SocialImage",
    "SocialPostError",
    "TagFeature",
    "TextLimit",
    "compose",
    "facets_for",
    "hashtag_for",
    "hashtags_for",
    "length",
    "limit_for",
    "link_card",
    "mastodon_limit",
    "split_thread",
    "supports_threads",
]
