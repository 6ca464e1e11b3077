"""A release as distribution knows it: the facts of the release event it planned from.

The worker composes posts, emails and webhook bodies from these (a delivery carries only ids),
so it never calls the publisher back. Besides the event's data they hold the newsroom's name as
the newsroom read model knew it when the release was planned (:data:`NEWSROOM_NAME`, for
emails; not part of the event).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ReleaseFacts = Mapping[str, Any]
"""The release event's data as JSON, plus the fields below (``event_type``, the newsroom's name)."""

NEWSROOM_NAME = "newsroom_name"
NOT_EVENT_DATA = frozenset({"_id", "event_type", NEWSROOM_NAME})
"""Fields of stored release facts that are ours, not the event's."""
