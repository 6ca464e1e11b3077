"""The widget speaks the page's language (``lang`` of the page, or ``data-lang``)."""

from __future__ import annotations

import pytest
from playwright.async_api import Page

from newsroom_testing.browser import BrowserTools

from .conftest import World, assert_frame_accessible, widget_frame

pytestmark = [pytest.mark.browser, pytest.mark.connected]


async def test_a_swedish_page_gets_swedish_words(
    world: World, page: Page, tools: BrowserTools
) -> None:
    release = await world.release(mode="post")
    first = await world.comment(release, "Hur snabb är den?")
    await world.official_reply(first["id"], "Tjugo procent snabbare.")
    await page.goto(world.page_embedding(release, lang="sv"))
    frame = await widget_frame(page, world)

    assert await frame.evaluate("document.documentElement.lang") == "sv"
    assert await page.locator("iframe").get_attribute("title") == "Kommentarer"
    assert await frame.get_by_role("heading", level=2).inner_text() == "2 kommentarer"
    assert await frame.locator(".badge").inner_text() == "✓ Officiellt svar"
    await frame.get_by_label("Namn").fill("Sven")
    await frame.get_by_label("E-post (visas aldrig)").fill("sven@example.com")
    await frame.get_by_label("Kommentar", exact=True).fill("Bra nyheter!")
    await frame.get_by_role("button", name="Skicka kommentar").click()
    await frame.get_by_role("status").filter(has_text="Din kommentar är publicerad.").wait_for()
    assert await frame.get_by_role("heading", level=2).inner_text() == "3 kommentarer"
    await assert_frame_accessible(page, frame, tools, "widget-swedish")


async def test_data_lang_wins_over_the_pages_language(world: World, page: Page) -> None:
    release = await world.release()
    await page.goto(world.page_embedding(release, lang="en", attributes='data-lang="sv"'))
    frame = await widget_frame(page, world)
    assert await frame.get_by_text("Inga kommentarer ännu.").is_visible()
