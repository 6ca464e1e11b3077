"""Rendering the commenters' pages: Jinja2 templates in the page's language (the service's
``.po`` catalogues through ``newsroom_shared.i18n``), with the headers every page carries.

The one stylesheet is inline and allowed by its hash in the page's policy: the page loads
nothing, runs no script, and may be framed by no one. Its address carries the author's token,
so it is never cached and sends no referrer.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from newsroom_shared.i18n import Catalogues

STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;"
    "color:#1b1b1b;background:#fff}"
    "textarea{width:100%;min-height:10rem;font:inherit;box-sizing:border-box}"
    "button{font:inherit;padding:.4rem 1rem;margin:.5rem .5rem 0 0}"
    ".comment{border-left:4px solid #555;padding:.25rem 1rem;margin:1rem 0}"
    ".error{color:#a4000f}.status{font-weight:bold}"
    "@media (prefers-color-scheme:dark){body{color:#eee;background:#161616}"
    ".error{color:#ff9b9b}.comment{border-color:#aaa}}"
)
_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
POLICY = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": POLICY,
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


@cache
def catalogues() -> Catalogues:
    return Catalogues(Path(__file__).parent / "locales")


@cache
def environment(language: str) -> Environment:
    env = Environment(
        loader=PackageLoader("comments.entrypoints.web", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(  # type: ignore[attr-defined]
        catalogues().translations(language), newstyle=True
    )
    return env


def language(requested: str | None, *defaults: str) -> str:
    """The page's language: the newsroom's when known, else the link's ``lang``, else English."""
    return catalogues().choose(None, (*defaults, requested or ""))


def page(template: str, language: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = (
        environment(language)
        .get_template(template)
        .render(lang=language, style=Markup(STYLE), **context)
    )
    return HTMLResponse(html, status_code=status_code, headers=HEADERS)
