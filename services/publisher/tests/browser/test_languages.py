"""A reader switches the pages to Swedish, without script, and stays in Swedish."""

from __future__ import annotations

import pytest
from playwright.async_api import Page

from newsroom_testing.browser import BrowserTools, assert_accessible

from .conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.connected]


async def test_a_reader_switches_to_swedish_and_follows_a_link_in_swedish(
    site: Site, page: Page, tools: BrowserTools, unique: str
) -> None:
    staff = await site.new_tenant()
    slug = f"acme-{unique}"
    room = await staff.newsroom(slug, name="Acme Newsroom", contacts=[{"name": "Ann Press"}])
    release = await staff.published(room["id"], "Roadrunner 2", lead="Faster.", tags=["launch"])

    await page.goto(f"{site.origin}/{slug}/")
    assert await page.get_attribute("html", "lang") == "en"
    await (
        page.get_by_role("navigation", name="Language").get_by_role("link", name="Svenska").click()
    )
    await page.wait_for_url(f"{site.origin}/{slug}/?lang=sv")
    assert await page.get_attribute("html", "lang") == "sv"
    assert await page.get_by_role("heading", name="Senaste pressmeddelanden").is_visible()
    await assert_accessible(page, tools, "languages-home-sv")

    await page.get_by_role("link", name="Roadrunner 2").click()
    await page.wait_for_url(f"{release['url']}?lang=sv")
    assert await page.get_attribute("html", "lang") == "sv"
    assert await page.get_by_role("heading", name="Presskontakter").is_visible()
    current = page.get_by_role("navigation", name="Språk").locator("[aria-current]")
    assert await current.inner_text() == "Svenska"
    await assert_accessible(page, tools, "languages-release-sv")
