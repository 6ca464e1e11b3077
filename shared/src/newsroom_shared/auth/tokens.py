"""Staff API key tokens: ``nrk_<key_id>_<secret>``. Services keep only a hash of the whole token."""

from __future__ import annotations

import hashlib
import re

TOKEN_PREFIX = "nrk"
_TOKEN = re.compile(r"^nrk_([0-9a-f]{24})_([A-Za-z0-9_-]{20,200})$")


def compose_token(key_id: str, secret: str) -> str:
    return f"{TOKEN_PREFIX}_{key_id}_{secret}"


def parse_token(token: str) -> str | None:
    """The key id of a well-formed token, or ``None`` (then no hash needs checking)."""
    match = _TOKEN.fullmatch(token)
    return match.group(1) if match else None


def token_digest(token: str) -> str:
    """What caches key a token by: its SHA-256, so the token itself is never kept."""
    return hashlib.sha256(token.encode()).hexdigest()
