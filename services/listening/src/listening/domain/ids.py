"""Identifiers: random, URL-safe, sortable by creation time is not needed here."""

from __future__ import annotations

import uuid


def new_id() -> str:
    return uuid.uuid4().hex
