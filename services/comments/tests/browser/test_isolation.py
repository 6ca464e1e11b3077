"""The widget and the page that embeds it keep out of each other: the page's CSS does not
reach the thread, its script reaches nothing but ``window.NewsroomComments``, no cookies."""

from __future__ import annotations

import pytest
from playwright.async_api import Page

from newsroom_testing.browser import screenshot

from .conftest import World, widget_frame

pytestmark = [pytest.mark.browser, pytest.mark.connected]

HOSTILE = """
<style>
  * { color: #ff0000 !important; font-family: serif !important; font-size: 30px !important; }
  p, li, button, input, textarea, h2, label { display: none !important; }
</style>
<script>window.__before = Object.getOwnPropertyNames(window);</script>
"""

# What the page's own script can see of the widget (run in the blog's page).
PROBE = """() => {
  // window[0] is the frame's window: the browser names every frame by its index.
  const added = Object.getOwnPropertyNames(window)
    .filter((name) => !window.__before.includes(name) && name !== "__before")
    .filter((name) => !/^[0-9]+$/.test(name));
  const frame = document.querySelector("iframe");
  let reached = "nothing";
  try { reached = String(frame.contentWindow.document.body.innerHTML); }
  catch (error) { reached = error.name; }
  return {
    added,
    entry: Object.keys(window.NewsroomComments),
    frozen: Object.isFrozen(window.NewsroomComments),
    contentDocument: frame.contentDocument === null ? null : "reachable",
    reached,
  };
}"""


async def test_the_pages_css_and_script_do_not_reach_into_the_widget(
    world: World, page: Page
) -> None:
    release = await world.release()
    await world.comment(release, "A comment the blog's styles must not touch.")
    await page.goto(world.page_embedding(release, head=HOSTILE))
    frame = await widget_frame(page, world)

    author = frame.locator(".author").first
    assert await author.is_visible()
    assert await frame.get_by_role("button", name="Post comment").is_visible()
    style = await author.evaluate(
        "e => { const s = getComputedStyle(e); return [s.color, s.fontSize, s.fontFamily]; }"
    )
    assert style[0] != "rgb(255, 0, 0)"
    assert style[1] != "30px"
    assert "serif" not in style[2].replace("sans-serif", "")

    seen = await page.evaluate(PROBE)
    assert seen == {
        "added": ["NewsroomComments"],
        "entry": ["mount"],
        "frozen": True,
        "contentDocument": None,
        "reached": "SecurityError",
    }
    assert await frame.evaluate("document.cookie") == ""
    assert await page.context.cookies() == []
    await screenshot(page, "widget-hostile-page")


async def test_only_the_frame_itself_can_size_it(world: World, page: Page) -> None:
    release = await world.release()
    await page.goto(world.page_embedding(release))
    await widget_frame(page, world)
    iframe = page.locator("iframe")
    before = await iframe.evaluate("f => f.style.height")
    await page.evaluate("window.postMessage({newsroomComments: 'height', height: 5}, '*')")
    await page.evaluate("new Promise((done) => setTimeout(done, 0))")  # the message is handled
    assert await iframe.evaluate("f => f.style.height") == before
    assert await iframe.get_attribute("title") == "Comments"
