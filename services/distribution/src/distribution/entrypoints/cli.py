"""``python -m distribution openapi``: the API's OpenAPI document (committed as
``services/distribution/openapi.json``, checked by a test so it stays true)."""

from __future__ import annotations

import json

from distribution.config import DistributionSettings


def openapi_document() -> str:
    """The OpenAPI document as committed: stable key order, two-space indent, final newline."""
    from distribution.main import create_app  # the app only when asked for: it wires everything

    settings = DistributionSettings(subscriber_token_keys="openapi", credentials_keys=None)
    return json.dumps(create_app(settings).openapi(), indent=2, sort_keys=True) + "\n"
