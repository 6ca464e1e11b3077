"""A release as distribution knows it: the facts of the release event it planned from.

The worker composes posts, emails and webhook bodies from these (a delivery carries only ids),
so it never calls the publisher back. The newsroom's name (:data:`NEWSROOM_NAME`, for emails)
is the event's own; events emitted before they carried it get the name the newsroom read model
knew when the release was planned.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ReleaseFacts = Mapping[str, Any]
"""The release event's data as JSON, plus ``event_type`` (and the newsroom's name, see above)."""

NEWSROOM_NAME = "newsroom_name"
NOT_EVENT_DATA = frozenset({"_id", "event_type"})
"""Fields of stored release facts that are ours, not the event's."""
