"""Local fake servers of the networks and a webhook receiver, for the adapters' tests."""

from .bluesky import FakeBluesky
from .facebook import FakeFacebook
from .linkedin import FakeLinkedIn
from .mastodon import FakeMastodon
from .server import CLIENT_TIMEOUT, Failure, FakeServer, RecordedRequest, serving
from .webhooks import FakeWebhookReceiver
from .x import FakeX

__all__ = [
    "CLIENT_TIMEOUT",
    "Failure",
    "FakeBluesky",
    "FakeFacebook",
    "FakeLinkedIn",
    "FakeMastodon",
    "FakeServer",
    "FakeWebhookReceiver",
    "FakeX",
    "RecordedRequest",
    "serving",
]
