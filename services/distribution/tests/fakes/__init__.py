"""Local fake servers of the networks and a webhook receiver, for the adapters' tests."""

from .bluesky import FakeBluesky
from .mastodon import FakeMastodon
from .server import CLIENT_TIMEOUT, Failure, FakeServer, RecordedRequest, serving

__all__ = [
    "CLIENT_TIMEOUT",
    "Failure",
    "FakeBluesky",
    "FakeMastodon",
    "FakeServer",
    "RecordedRequest",
    "serving",
]
