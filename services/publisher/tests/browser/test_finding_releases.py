"""A reader finds older releases: from a release to its tag's page, to the archive, to a month."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.async_api import Page

from newsroom_testing.browser import BrowserTools, assert_accessible

from .conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.connected]


async def test_a_reader_goes_from_a_release_to_its_tag_the_archive_and_a_month(
    site: Site, page: Page, tools: BrowserTools, unique: str
) -> None:
    staff = await site.new_tenant()
    slug = f"acme-{unique}"
    room = await staff.newsroom(slug, name="Acme Newsroom")
    await staff.published(room["id"], "Roadrunner 1", tags=["launch"])
    second = await staff.published(room["id"], "Roadrunner 2", tags=["launch", "ai/ml"])
    month = datetime.fromisoformat(second["published_at"]).astimezone(UTC)

    await page.goto(second["url"])
    await page.get_by_role("link", name="ai/ml").click()
    await page.wait_for_url(f"{site.origin}/{slug}/tags/ai%2Fml/")
    assert await page.get_by_role("heading", level=1).inner_text() == "Releases tagged “ai/ml”"
    await assert_accessible(page, tools, "finding-tag")

    await (
        page.get_by_role("navigation", name="Breadcrumb")
        .get_by_role("link", name="Archive")
        .click()
    )
    await page.wait_for_url(f"{site.origin}/{slug}/archive/")
    await assert_accessible(page, tools, "finding-archive")
    await page.get_by_role("link", name=f"{month:%B %Y}").click()
    await page.wait_for_url(f"{site.origin}/{slug}/archive/{month:%Y/%m}/")
    titles = page.locator(".releases h3")
    assert await titles.all_inner_texts() == ["Roadrunner 2", "Roadrunner 1"]
    await assert_accessible(page, tools, "finding-month")


async def test_a_reader_searches_a_swedish_newsroom_in_other_words_than_the_release(
    site: Site, page: Page, tools: BrowserTools, unique: str
) -> None:
    staff = await site.new_tenant()
    slug = f"acme-{unique}"
    room = await staff.newsroom(slug, name="Acme Sverige", default_language="sv")
    await staff.published(room["id"], "Acme lanserar elbilar", language="sv")
    await staff.published(room["id"], "Acme öppnar kontor", language="sv")

    await page.goto(f"{site.origin}/{slug}/")
    await page.get_by_role("searchbox", name="Sök bland pressmeddelanden").fill("lanserade elbil")
    await page.get_by_role("button", name="Sök").click()
    await page.wait_for_url(f"{site.origin}/{slug}/search?q=lanserade+elbil")
    assert await page.locator(".releases h3").all_inner_texts() == ["Acme lanserar elbilar"]
    await assert_accessible(page, tools, "search-results")
    await page.get_by_role("link", name="Acme lanserar elbilar").click()
    assert await page.get_by_role("heading", level=1).inner_text() == "Acme lanserar elbilar"
