"""What every page answer shares: cache headers, the error pages, the code version in ETags."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from fastapi.responses import HTMLResponse

from newsroom_shared.runtime import package_version
from publisher.entrypoints.web.language import N_, PageLanguage
from publisher.entrypoints.web.rendering import render, translate

NO_STORE = "no-store"  # a draft published a moment later must show at once


def cache_control(shared_max_age_s: int) -> str:
    """Browsers revalidate every time (cheap: a 304); shared caches keep a page a while."""
    return f"public, max-age=0, must-revalidate, s-maxage={shared_max_age_s}"


@cache
def code_version() -> str:
    """Part of every ETag: changed templates make new pages, even within one package version."""
    templates = sorted((Path(__file__).parent / "templates").glob("*.html"))
    digest = hashlib.sha256(b"".join(t.read_bytes() for t in templates)).hexdigest()[:12]
    return f"{package_version('newsroom-publisher')}+{digest}"


def error_page(status: int, heading: str, message: str, ui: PageLanguage) -> HTMLResponse:
    """An error page; ``heading`` and ``message`` are English messages of the catalogue."""
    heading, message = translate(ui, heading), translate(ui, message)
    body = render("error.html", ui, heading=heading, message=message)
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": NO_STORE})


def not_found_page(ui: PageLanguage) -> HTMLResponse:
    return error_page(404, PAGE_NOT_FOUND, NO_PAGE_HERE, ui)


PAGE_NOT_FOUND = N_("Page not found")
NO_PAGE_HERE = N_(
    "There is no page at this address. The link may be mistyped, or the page may not be public yet."
)
INVALID_LINK = N_("Invalid link")
LINK_NOT_VALID = N_("This page link is not valid.")
NOT_A_SERVER = N_("Not a Mastodon server")
NOT_A_SERVER_DETAIL = N_(
    "Give your Mastodon server's address, such as mastodon.social (the part after the second @ "
    "of your handle)."
)
