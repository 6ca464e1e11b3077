"""One adapter per social network, each speaking its documented HTTP API with a shared
``httpx.AsyncClient``; all offer :class:`NetworkAdapter` (``publish`` and ``delete``)."""

from distribution.adapters.networks.base import NetworkAdapter
from distribution.adapters.networks.bluesky import BlueskyAdapter
from distribution.adapters.networks.facebook import FacebookAdapter
from distribution.adapters.networks.http import DEFAULT_TIMEOUT
from distribution.adapters.networks.linkedin import LinkedInAdapter
from distribution.adapters.networks.mastodon import MastodonAdapter
from distribution.adapters.networks.x import XAdapter

__all__ = [
    "DEFAULT_TIMEOUT",
    "BlueskyAdapter",
    "FacebookAdapter",
    "LinkedInAdapter",
    "MastodonAdapter",
    "NetworkAdapter",
    "XAdapter",
]
