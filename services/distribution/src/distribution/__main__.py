"""``python -m distribution [serve] [--host H --port P]``: serve the app with uvicorn;
``python -m distribution openapi``: print the API's OpenAPI document.
(One command line for every service: :mod:`newsroom_shared.serve`.)"""

from __future__ import annotations

from distribution.config import DistributionSettings
from newsroom_shared.serve import main

if __name__ == "__main__":
    main("distribution", DistributionSettings, default_port=8004)
