"""``listening openapi``: the API's OpenAPI document (committed as
``services/listening/openapi.json``, checked by a test so it stays true)."""

from __future__ import annotations

import argparse
import sys

from listening.config import ListeningSettings
from newsroom_shared.serve import openapi_json


def openapi_document() -> str:
    """The OpenAPI document as committed: stable key order, two-space indent, final newline."""
    from listening.main import create_app  # the app only when asked for: it wires everything

    return openapi_json(create_app(ListeningSettings(webhook_secret_keys="openapi")))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="listening", description="Listening operator commands")
    parser.add_argument("command", choices=["openapi"])
    parser.parse_args(argv)
    sys.stdout.write(openapi_document())
