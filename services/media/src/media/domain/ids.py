"""Identifiers: ObjectId hex strings, so they sort by creation time (cursors rely on that)."""

from __future__ import annotations

from bson import ObjectId


def new_id() -> str:
    return str(ObjectId())
