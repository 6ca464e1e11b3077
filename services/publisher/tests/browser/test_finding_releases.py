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
