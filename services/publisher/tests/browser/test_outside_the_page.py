"""A release seen outside its public page, in Chromium: embedded in a blog (the code from the
release page, in a page of another site, shows the release's card in a sandboxed frame), and
through an embargo preview link."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.async_api import Error, Page, Route

from newsroom_testing.browser import BrowserTools, assert_accessible, screenshot

from .conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.connected]


@contextmanager
def blog_serving(html: str) -> Iterator[str]:
    """Another site: one page on a server of its own, at ``localhost`` (another origin than the
    newsroom's ``127.0.0.1``, and a real server: Chromium refuses a frame of a loopback address
    in a page it did not load from one, which a public blog and newsroom never meet)."""

    class Blog(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Blog)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}/post"
    finally:
        server.shutdown()
        server.server_close()


async def test_a_blog_shows_the_embedded_release_in_a_sandboxed_frame(
    site: Site, page: Page, tools: BrowserTools, unique: str
) -> None:
    staff = await site.new_tenant()
    slug = f"acme-{unique}"
    room = await staff.newsroom(slug, name="Acme Newsroom")
    release = await staff.published(room["id"], "Acme launches the Roadrunner 2", lead="Faster.")

    await page.goto(release["url"])
    code = await page.locator("#embed-code").input_value()
    await assert_accessible(page, tools, "embed-release-page")

    post = f"""<!doctype html><html lang="en"><head><title>A blog</title>
        <style>h1 {{ color: red; }}</style></head>
        <body><main><h1>My post</h1><p>Look at this:</p>{code}</main></body></html>"""
    with blog_serving(post) as blog:
        await page.goto(blog)
        frame = page.frame_locator("iframe")
        heading = frame.get_by_role("heading", level=1)
        assert await heading.inner_text() == "Acme launches the Roadrunner 2"
        link = frame.get_by_role("link", name="Read the release")
        assert await link.get_attribute("href") == release["url"]
        assert await link.get_attribute("target") == "_blank"
        # The host page's styles stop at the frame, and the frame runs no one's script.
        assert await heading.evaluate("h => getComputedStyle(h).color") != "rgb(255, 0, 0)"
        sandbox = await page.locator("iframe").get_attribute("sandbox")
        assert sandbox is not None
        assert "allow-scripts" not in sandbox
        await screenshot(page, "embed-in-a-blog")

    card = f"{release['url']}/embed"
    await page.goto(card)
    with pytest.raises(Error, match="Content Security Policy"):
        await page.add_script_tag(content="window.injected = true")

    async def without_policy(route: Route) -> None:
        answer = await route.fetch()
        headers = {k: v for k, v in answer.headers.items() if k != "content-security-policy"}
        await route.fulfill(response=answer, headers=headers)

    # axe is a script the card's policy refuses (as it should): checked on the same HTML
    # served without the policy.
    await page.route(card, without_policy)
    await page.goto(card)
    await assert_accessible(page, tools, "embed-card")


async def test_an_invited_journalist_opens_the_embargo_preview_link(
    site: Site, page: Page, tools: BrowserTools, unique: str
) -> None:
    staff = await site.new_tenant()
    room = await staff.newsroom(f"acme-{unique}", name="Acme Newsroom")
    body = {"newsroom_id": room["id"], "title": "Acme buys Globex", "lead": "In May."}
    release = await staff.ok("POST", "/releases", 201, json=body)
    lift = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    await staff.ok("POST", f"/releases/{release['id']}/publish", json={"embargo_until": lift})
    link = await staff.ok("POST", f"/releases/{release['id']}/preview-links", 201)

    await page.goto(link["url"])
    note = page.get_by_role("note")
    assert "Embargoed: not for publication before" in await note.inner_text()
    heading = page.get_by_role("heading", level=1)
    assert await heading.inner_text() == "Acme buys Globex"
    await assert_accessible(page, tools, "embargo-preview")
