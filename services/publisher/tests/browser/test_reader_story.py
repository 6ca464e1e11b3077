"""A reader finds a release: from the newsroom's home to the release page, in Chromium."""

from __future__ import annotations

import pytest
from playwright.async_api import Page

from newsroom_testing.browser import BrowserTools, assert_accessible

from .conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.connected]


async def test_a_reader_opens_the_home_and_follows_the_release_link(
    site: Site, page: Page, tools: BrowserTools, unique: str
) -> None:
    staff = await site.new_tenant()
    slug = f"acme-{unique}"
    room = await staff.newsroom(slug, name="Acme Newsroom", description="News from Acme.")
    release = await staff.published(
        room["id"],
        "Acme launches the Roadrunner 2",
        lead="Faster than ever.",
        body="<p>Today Acme <strong>launches</strong> it.</p>",
        tags=["launch"],
    )

    await page.goto(f"{site.origin}/{slug}/")
    assert await page.title() == "Acme Newsroom"
    await assert_accessible(page, tools, "reader-home")

    await page.get_by_role("link", name="Acme launches the Roadrunner 2").click()
    await page.wait_for_url(release["url"])
    assert await page.title() == "Acme launches the Roadrunner 2 \u2013 Acme Newsroom"
    heading = page.get_by_role("heading", level=1)
    assert await heading.inner_text() == "Acme launches the Roadrunner 2"
    canonical = await page.locator('link[rel="canonical"]').get_attribute("href")
    assert canonical == release["url"]
    await assert_accessible(page, tools, "reader-release")
