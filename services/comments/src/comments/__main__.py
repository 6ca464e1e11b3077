"""``python -m comments [serve] [--host H --port P]``: serve the app with uvicorn;
``python -m comments openapi``: print the API's OpenAPI document.
(One command line for every service: :mod:`newsroom_shared.serve`.)"""

from __future__ import annotations

from comments.config import CommentsSettings
from newsroom_shared.serve import main

if __name__ == "__main__":
    main("comments", CommentsSettings, default_port=8003)
