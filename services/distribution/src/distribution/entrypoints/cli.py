"""``python -m distribution openapi``: the API's OpenAPI document (committed as
``services/distribution/openapi.json``, checked by a test so it stays true)."""

from __future__ import annotations

from distribution.config import DistributionSettings
from newsroom_shared.serve import openapi_json


def openapi_document() -> str:
    """The OpenAPI document as committed: stable key order, two-space indent, final newline."""
    from distribution.main import create_app  # the app only when asked for: it wires everything

    settings = DistributionSettings(subscriber_token_keys="openapi", credentials_keys=None)
    return openapi_json(create_app(settings))
