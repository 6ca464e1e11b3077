"""The widget's world: the comments app on its own origin, an outside blog on another that
embeds the widget with its one script tag, and headless Chromium with axe-core.

The blog is served from ``localhost`` and the comments service from ``127.0.0.1``: two sites,
as a real blog and our service are, so the frame is cross-site (third-party) for the browser.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from playwright.async_api import BrowserContext, ConsoleMessage, Frame, Page
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from comments.config import CommentsSettings
from comments.main import create_app
from comments.service.newsrooms import newsroom_changed
from comments.service.releases import release_published
from newsroom_testing.browser import assert_frame_accessible, frame_accessibility_failures
from newsroom_testing.fixtures import drop_test_database
from newsroom_testing.origin import serving
from newsroom_testing.staff import TokenAuthenticator

from ..integration.conftest import A, B, newsroom_of, published, settings_for, staff

# The widget tests import these from here; the two axe helpers live in newsroom_testing.
__all__ = ["A", "assert_frame_accessible", "frame_accessibility_failures", "staff"]


class Blog:
    """Someone else's site: pages the test writes, served as they are."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        self.app = Starlette(routes=[Route("/{name}", self._page)])

    async def _page(self, request: Request) -> Response:
        body = self.pages.get(request.path_params["name"])
        return HTMLResponse(body) if body is not None else Response(status_code=404)


@dataclass
class World:
    """The comments service at ``origin`` (its API through ``api``), the blog at
    ``blog_origin``."""

    origin: str
    api: httpx.AsyncClient
    blog: Blog
    blog_origin: str
    settings: CommentsSettings
    app: Any
    posted: list[str] = field(default_factory=list)

    async def release(self, mode: str = "post", tenant: str = A) -> str:
        """A published release the service knows of, its newsroom in ``mode``; its id."""
        event = published(tenant)
        async with self.app.state.comments.uow() as uow:
            await newsroom_changed(uow, newsroom_of(event))
            await release_published(uow, event)
        settings = {"mode": mode, "max_links": 10}
        url = f"/v1/newsrooms/{event.newsroom_id}/comment-settings"
        answer = await self.api.put(url, json=settings, headers=staff(tenant))
        assert answer.status_code == 200, answer.text
        return event.release_id

    async def verify_email(self, release_id: str, tenant: str = A) -> None:
        """The release's newsroom verifies its commenters' addresses (post-moderation)."""
        async with self.app.state.comments.uow() as uow:
            release = await uow.releases.find_public(release_id)
        assert release is not None
        url = f"/v1/newsrooms/{release.newsroom_id}/comment-settings"
        settings = {"mode": "post", "max_links": 10, "verify_email": True}
        answer = await self.api.put(url, json=settings, headers=staff(tenant))
        assert answer.status_code == 200, answer.text

    async def comment(self, release_id: str, text: str, **fields: Any) -> dict[str, Any]:
        body = {"author_name": "Jane", "email": "jane@example.com", "text": text, **fields}
        answer = await self.api.post(f"/v1/public/releases/{release_id}/comments", json=body)
        assert answer.status_code == 201, answer.text
        posted: dict[str, Any] = answer.json()
        return posted

    async def official_reply(self, comment_id: str, text: str, tenant: str = A) -> None:
        body = {"author_name": "Acme Press Office", "text": text}
        url = f"/v1/comments/{comment_id}/official-replies"
        answer = await self.api.post(url, json=body, headers=staff(tenant))
        assert answer.status_code == 201, answer.text

    def page_embedding(
        self, release_id: str, *, lang: str = "en", head: str = "", attributes: str = ""
    ) -> str:
        """The URL of a blog post that embeds the release's thread with the one script tag."""
        name = f"post-{len(self.blog.pages)}"
        self.blog.pages[name] = f"""<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>An outside blog</title>{head}</head>
<body>
<main>
<h1>What we think of the launch</h1>
<p>A blog post about the release.</p>
<script src="{self.origin}/widget.js" data-release="{release_id}" {attributes} defer></script>
</main>
</body>
</html>"""
        return f"{self.blog_origin}/{name}"


@pytest.fixture
async def world(infra: Any, unique: str, mongo_client: Any) -> AsyncIterator[World]:
    settings = settings_for(infra, unique)
    app = create_app(settings, authenticator=TokenAuthenticator(tenants=(A, B)))
    blog = Blog()
    try:
        async with serving(app, "") as port, serving(blog.app, "") as blog_port:
            origin = f"http://127.0.0.1:{port}"
            async with httpx.AsyncClient(base_url=origin, timeout=10) as api:
                yield World(origin, api, blog, f"http://localhost:{blog_port}", settings, app)
    finally:
        await drop_test_database(mongo_client, settings.database_name)


@dataclass
class Watch:
    """What a page did that a test may not allow: dialogs, console lines, requests."""

    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture
async def watch() -> Watch:
    return Watch()


@pytest.fixture
async def page(browser: BrowserContext, watch: Watch) -> AsyncIterator[Page]:
    page = await browser.new_page()

    async def dismiss(dialog: Any) -> None:
        watch.dialogs.append(f"{dialog.type}: {dialog.message}")
        await dialog.dismiss()

    def console(message: ConsoleMessage) -> None:
        watch.console.append(f"{message.type}: {message.text}")

    page.on("dialog", dismiss)
    page.on("console", console)
    page.on("request", lambda request: watch.requests.append(request.url))
    yield page
    await page.close()


async def widget_frame(page: Page, world: World) -> Frame:
    """The widget's frame on ``page``, once its thread is loaded."""
    await page.wait_for_selector("iframe")
    frame = next(f for f in page.frames if f.url.startswith(f"{world.origin}/widget/frame"))
    await frame.wait_for_selector('main[aria-busy="false"]')
    return frame
