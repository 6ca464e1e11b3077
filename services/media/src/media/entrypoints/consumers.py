"""What media consumes: the publisher's key events keep its replica of the staff API keys.

(The release events it needs for signed URLs and withdrawals come with those features.) The app
factory registers this table; the event docs list it (``docs/events.md``, ``docs/asyncapi.yaml``).
"""

from __future__ import annotations

from media.bootstrap import Media
from newsroom_shared.auth import api_key_subscriptions
from newsroom_shared.consumer.table import Subscription

SUBSCRIPTIONS: list[Subscription[Media]] = [*api_key_subscriptions(lambda media: media.keys)]
