"""``python -m publisher [serve] [--host H --port P]``: serve the app with uvicorn;
``python -m publisher openapi``: print the API's OpenAPI document.
(One command line for every service: :mod:`newsroom_shared.serve`.)"""

from __future__ import annotations

from newsroom_shared.serve import main
from publisher.config import PublisherSettings

if __name__ == "__main__":
    main("publisher", PublisherSettings, default_port=8001)
