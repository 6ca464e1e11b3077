"""A reader of an outside blog sees a release's thread through the one script tag."""

from __future__ import annotations

import pytest
from playwright.async_api import Page

from newsroom_testing.browser import BrowserTools

from .conftest import Watch, World, assert_frame_accessible, widget_frame

pytestmark = [pytest.mark.browser, pytest.mark.connected]


async def test_the_thread_renders_with_the_official_reply_pinned(
    world: World, page: Page, tools: BrowserTools, watch: Watch
) -> None:
    release = await world.release()
    first = await world.comment(release, "Does it <em>really</em> run faster than before?")
    reply = await world.comment(
        release, "I measured it: yes.", parent_id=first["id"], author_name="Bob"
    )
    await world.official_reply(first["id"], "Yes: 20 % faster, measured by an outside lab.")
    await world.comment(release, "A second comment, <strong>bold</strong> and plain.")

    await page.goto(world.page_embedding(release))
    frame = await widget_frame(page, world)

    assert await frame.get_by_role("heading", level=2).inner_text() == "4 comments"
    thread = frame.locator("ul.thread > li")
    assert await thread.count() == 2  # newest first: the second comment, then the first
    replies = frame.locator(f'li[data-id="{first["id"]}"] > ul.replies > li')
    assert await replies.count() == 2
    pinned = replies.nth(0)
    assert await pinned.get_attribute("class") == "comment official"
    assert await pinned.locator(".badge").inner_text() == "✓ Official reply"
    assert await pinned.locator(".author").inner_text() == "Acme Press Office"
    assert await replies.nth(1).get_attribute("data-id") == reply["id"]
    assert await frame.locator(f'li[data-id="{first["id"]}"] em').first.inner_text() == "really"
    # The frame is as tall as its content: no inner scroll bar.
    box = await page.locator("iframe").bounding_box()
    height = await frame.evaluate("document.documentElement.scrollHeight")
    assert box is not None
    assert abs(box["height"] - height) <= 1
    await assert_frame_accessible(page, frame, tools, "widget-thread")
    # It asked nothing of anyone but the blog and the comments service.
    origins = {url.split("/", 3)[2] for url in watch.requests}
    assert origins == {world.blog_origin.split("/")[2], world.origin.split("/")[2]}


async def test_more_loads_the_next_page_and_takes_the_focus_to_it(world: World, page: Page) -> None:
    release = await world.release()
    for n in range(22):
        await world.comment(release, f"Comment number {n}", email=f"reader{n}@example.com")

    await page.goto(world.page_embedding(release, attributes='data-order="oldest"'))
    frame = await widget_frame(page, world)
    assert await frame.locator("ul.thread > li").count() == 20
    more = frame.get_by_role("button", name="Show more comments")
    await more.click()
    await frame.locator("ul.thread > li").nth(21).wait_for()
    assert await frame.locator("ul.thread > li").count() == 22
    assert await more.is_hidden()
    focused = await frame.evaluate("document.activeElement.closest('li').textContent")
    assert "Comment number 20" in focused
