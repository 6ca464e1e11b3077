"""Where posts come from: the source kinds of ``MentionDetected`` (a test keeps them equal)."""

from __future__ import annotations

SOURCE_KINDS: tuple[str, ...] = ("rss", "atom", "mastodon", "bluesky", "webhook", "comment")
