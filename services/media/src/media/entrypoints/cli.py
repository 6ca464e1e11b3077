"""``media openapi``: the API's OpenAPI document (committed as ``services/media/openapi.json``,
checked by a test so it stays true)."""

from __future__ import annotations

import sys

from media.config import MediaSettings
from newsroom_shared.serve import openapi_json


def openapi_document() -> str:
    """The OpenAPI document as committed: stable key order, two-space indent, final newline."""
    from media.main import create_app  # the app only when asked for: it wires everything

    return openapi_json(create_app(MediaSettings()))


def main() -> None:
    sys.stdout.write(openapi_document())
