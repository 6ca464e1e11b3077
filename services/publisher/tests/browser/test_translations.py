"""A reader of a translated release switches to its Swedish translation."""

from __future__ import annotations

import pytest
from playwright.async_api import Page

from newsroom_testing.browser import BrowserTools, assert_accessible

from .conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.connected]


async def test_a_reader_follows_the_switch_to_the_releases_translation(
    site: Site, page: Page, tools: BrowserTools, unique: str
) -> None:
    staff = await site.new_tenant()
    room = await staff.newsroom(f"acme-{unique}", name="Acme Newsroom")
    english = await staff.published(room["id"], "Roadrunner 2 launches", language="en")
    swedish = await staff.published(room["id"], "Roadrunner 2 lanseras", language="sv")
    await staff.ok(
        "POST", f"/releases/{english['id']}/translations", json={"release_id": swedish["id"]}
    )

    await page.goto(english["url"])
    assert await page.locator("article").get_attribute("lang") == "en"
    await assert_accessible(page, tools, "translations-release-en")
    others = page.get_by_role("navigation", name="This release in other languages")
    switch = others.get_by_role("link", name="Svenska")
    assert await switch.get_attribute("hreflang") == "sv"
    await switch.click()

    await page.wait_for_url(swedish["url"])
    assert await page.locator("article").get_attribute("lang") == "sv"
    assert await page.get_by_role("heading", name="Roadrunner 2 lanseras").is_visible()
    back = page.get_by_role("navigation", name="This release in other languages")
    assert await back.get_by_role("link", name="English").get_attribute("lang") == "en"
    await assert_accessible(page, tools, "translations-release-sv")
