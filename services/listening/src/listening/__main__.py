"""``python -m listening [serve] [--host H --port P]``: serve the app with uvicorn;
``python -m listening openapi``: print the API's OpenAPI document.
(One command line for every service: :mod:`newsroom_shared.serve`.)"""

from __future__ import annotations

from listening.config import ListeningSettings
from newsroom_shared.serve import main

if __name__ == "__main__":
    main("listening", ListeningSettings, default_port=8005)
