"""``python -m comments openapi``: the API's OpenAPI document (committed as
``services/comments/openapi.json``, checked by a test so it stays true)."""

from __future__ import annotations

from comments.config import CommentsSettings
from newsroom_shared.serve import openapi_json


def openapi_document() -> str:
    """The OpenAPI document as committed: stable key order, two-space indent, final newline."""
    from comments.main import create_app  # the app only when asked for: it wires everything

    settings = CommentsSettings(author_token_keys="openapi", email_hash_key="openapi")
    return openapi_json(create_app(settings))
