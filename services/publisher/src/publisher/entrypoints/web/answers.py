"""What every page route does the same way: cache headers, 304s, and the page's language."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from newsroom_shared.http.conditional import etag_matches
from publisher.entrypoints.web.language import LANG_PARAM, PageLanguage
from publisher.entrypoints.web.responses import cache_control
from publisher.entrypoints.web.sites import requested_path

HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml"
ATOM = "application/atom+xml"
XML = "application/xml"


class PageAnswers:
    def __init__(self, shared_max_age_s: int) -> None:
        self.caching = cache_control(shared_max_age_s)

    def cached(self, request: Request, etag: str, body: bytes | str, media_type: str) -> Response:
        """The body with its ETag and cache headers, or a 304 when the client has it."""
        headers = {"ETag": etag, "Cache-Control": self.caching}
        if etag_matches(request, etag):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type=media_type, headers=headers)

    @staticmethod
    def language(request: Request, default: str | None, path: str) -> PageLanguage:
        """The page's language; ``path`` is the page's own (the app may sit under a root path;
        on a newsroom's own domain the path the reader asked for is used instead)."""
        query = dict(request.query_params)
        return PageLanguage.of(query.get(LANG_PARAM), default, requested_path(request, path), query)
