"""``python -m media [serve] [--host H --port P]``: serve the app with uvicorn;
``python -m media openapi``: print the API's OpenAPI document.
(One command line for every service: :mod:`newsroom_shared.serve`.)"""

from __future__ import annotations

from media.config import MediaSettings
from newsroom_shared.serve import main

if __name__ == "__main__":
    main("media", MediaSettings, default_port=8002)
