"""Subscribers' links as a browser follows them: to their newsroom's pages, and back.

The confirm and unsubscribe links of emails are this API's (they carry signed tokens only this
service can check). A GET of one, once the token is checked, redirects (303) to the page of the
subscriber's newsroom on the same origin, rendered by the publisher in the newsroom's look
(``/<slug>/subscription/confirm/<token>``, ``.../unsubscribe/<token>``); its button posts back
here as an HTML form naming the newsroom (field ``newsroom``), and the answer to such a post is a
redirect to ``/<slug>/subscription/confirmed``, ``.../unsubscribed`` or ``.../problem?code=``.
Without that field (an API client, a mail client's RFC 8058 one-click) the answers are JSON,
as before.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode

from fastapi import Request, status
from fastapi.responses import RedirectResponse

from distribution.domain.newsrooms import Newsroom

FORM = "application/x-www-form-urlencoded"
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")  # the publisher's slugs: a path segment, no more
_LANGUAGE = re.compile(r"[a-z]{2,3}")


def see_other(path: str, **params: str) -> RedirectResponse:
    query = f"?{urlencode(params)}" if params else ""
    return RedirectResponse(f"{path}{query}", status_code=status.HTTP_303_SEE_OTHER)


def page_of(newsroom: Newsroom, what: str, token: str, domain_scheme: str) -> RedirectResponse:
    """The newsroom's page for this link (``confirm`` or ``unsubscribe``): on the newsroom's
    own domain when it has one (its ``/<slug>/`` pages here would redirect there again)."""
    return see_other(newsroom.page_url(f"/subscription/{what}/{token}", domain_scheme))


class PageForm:
    """A post from a newsroom's page: the newsroom it came from and the reader's language."""

    def __init__(self, slug: str, lang: str | None) -> None:
        self.slug = slug
        self.lang = lang

    @classmethod
    async def of(cls, request: Request) -> PageForm | None:
        """From the request's form body; ``None`` for anything else (JSON, one-click)."""
        if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM:
            return None
        form = parse_qs((await request.body()).decode("utf-8", errors="replace"))
        slug = (form.get("newsroom") or [""])[0]
        lang = (form.get("lang") or [""])[0]
        if not _SLUG.fullmatch(slug):
            return None
        return cls(slug, lang if _LANGUAGE.fullmatch(lang) else None)

    def outcome(self, what: str, **params: str) -> RedirectResponse:
        """To ``/<slug>/subscription/<what>`` in the reader's language."""
        if self.lang:
            params["lang"] = self.lang
        return see_other(f"/{self.slug}/subscription/{what}", **params)
