"""``media openapi``: the API's OpenAPI document (committed as ``services/media/openapi.json``,
checked by a test so it stays true)."""

from __future__ import annotations

import json
import sys

from media.config import MediaSettings


def openapi_document() -> str:
    """The OpenAPI document as committed: stable key order, two-space indent, final newline."""
    from media.main import create_app  # the app only when asked for: it wires everything

    return json.dumps(create_app(MediaSettings()).openapi(), indent=2, sort_keys=True) + "\n"


def main() -> None:
    sys.stdout.write(openapi_document())
