"""A reader finds a release: from the newsroom's home to the release page, in Chromium."""

from __future__ import annotations

import pytest
from playwright.async_api import Page

from newsroom_testing.browser import BrowserTools, assert_accessible
from newsroom_testing.consumer import eventually

from .conftest import Site
from .test_embargo_preview_pictures import described_picture

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


@pytest.mark.slow
async def test_a_branded_home_with_featured_media_is_accessible(
    media_site: Site, page: Page, tools: BrowserTools, unique: str
) -> None:
    """The home page in the newsroom's look: its logo (served by media to anyone, as the
    newsroom names it), a low-contrast yellow brand colour the page adapts, the lead picture of
    its latest release, and the subscribe form; axe finds no serious or critical violation."""
    staff = await media_site.new_tenant()
    slug = f"acme-{unique}"
    room = await staff.newsroom(slug, name="Acme Newsroom", brand_color="#ffd500")
    logo, picture = await described_picture(staff), await described_picture(staff)

    async def logo_set() -> bool:  # 422 until the publisher has heard media's news of it
        answer = await staff.http.patch(
            f"/api/publisher/v1/newsrooms/{room['id']}",
            json={"logo_media_id": logo},
            headers={"Authorization": f"Bearer {staff.token}"},
        )
        return answer.status_code == 200

    await eventually(logo_set, "the logo accepted", timeout_s=60)
    release = await staff.ok(
        "POST",
        "/releases",
        201,
        json={"newsroom_id": room["id"], "title": "Acme launches", "media_ids": [picture]},
    )

    async def published() -> bool:
        answer = await staff.http.post(
            f"/api/publisher/v1/releases/{release['id']}/publish",
            headers={"Authorization": f"Bearer {staff.token}"},
        )
        return answer.status_code == 200

    await eventually(published, "the release published", timeout_s=60)

    async def all_shown() -> bool:  # media learns of the release and the logo from events
        await page.goto(f"{media_site.origin}/{slug}/")
        await page.wait_for_load_state("load")
        images = await page.evaluate(
            "() => [...document.images].map(i => i.complete && i.naturalWidth > 0)"
        )
        return len(images) == 2 and all(images)

    await eventually(all_shown, "the logo and the featured picture shown", timeout_s=60)
    masthead = page.locator("header .masthead img")
    assert await masthead.get_attribute("alt") == "Acme Newsroom"
    band = await page.locator("header").evaluate("h => getComputedStyle(h).backgroundColor")
    assert band == "rgb(255, 213, 0)"
    featured = page.get_by_role("region", name="Featured media")
    assert await featured.get_by_role("link").count() == 1
    form = page.locator("form.subscribe")
    assert await form.get_by_label("Your email address").count() == 1
    await assert_accessible(page, tools, "reader-home-branded")

    await featured.get_by_role("link").click()
    await page.wait_for_url(f"{media_site.origin}/{slug}/releases/{release['id']}")
    assert await page.locator("header .masthead img").get_attribute("alt") == "Acme Newsroom"
    await assert_accessible(page, tools, "reader-release-branded")
