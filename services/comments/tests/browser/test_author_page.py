"""The author's page (the link in their mail) in Chromium: it runs no script at all (its
policy allows none), so its plain forms are the whole interface; the author changes and then
deletes the comment, by mouse and by keyboard, in English and in the newsroom's Swedish."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.async_api import Page

from comments.service.newsrooms import newsroom_changed
from newsroom_shared.events.publisher import NewsroomUpdated
from newsroom_testing.browser import BrowserTools, screenshot

from .conftest import A, World, frame_accessibility_failures

pytestmark = [pytest.mark.browser, pytest.mark.connected]


async def manage_url(world: World, release_id: str) -> str:
    posted = await world.comment(release_id, "Great <em>news</em>")
    return f"{world.origin}/v1/public/manage/{posted['author_token']}?lang=en"


async def test_the_author_changes_then_deletes_the_comment_without_script(
    world: World, page: Page, tools: BrowserTools
) -> None:
    release = await world.release(mode="post")
    await page.goto(await manage_url(world, release))
    assert await page.evaluate("document.scripts.length") == 0
    assert await page.get_by_role("heading", name="Your comment").is_visible()
    assert await page.locator(".comment em").inner_text() == "news"
    for scheme in ("light", "dark"):
        await page.emulate_media(color_scheme=scheme)
        await screenshot(page, f"author-page-{scheme}")
        assert await frame_accessibility_failures(page.main_frame, tools) == []
    await page.emulate_media(color_scheme="no-preference")

    await page.get_by_label("Change your comment").fill("Good news, on reflection")
    await page.get_by_role("button", name="Save changes").click()
    await page.get_by_role("status").filter(has_text="Saved.").wait_for()
    thread = await world.api.get(f"/v1/public/releases/{release}/comments")
    assert [c["body_html"] for c in thread.json()["items"]] == ["Good news, on reflection"]

    await page.get_by_role("button", name="Delete comment").focus()
    await page.keyboard.press("Enter")
    await page.get_by_role("status").filter(has_text="Deleted.").wait_for()
    thread = await world.api.get(f"/v1/public/releases/{release}/comments")
    assert thread.json()["items"] == []


async def test_the_page_speaks_the_newsrooms_swedish(world: World, page: Page) -> None:
    release = await world.release(mode="post")
    url = await manage_url(world, release)
    async with world.app.state.comments.uow() as uow:
        known = await uow.releases.find_public(release)
        assert known is not None
        await newsroom_changed(
            uow,
            NewsroomUpdated(
                tenant_id=A,
                newsroom_id=known.newsroom_id,
                slug="acme",
                name="Acme",
                default_language="sv-SE",
                version=2,
                updated_at=datetime.now(UTC),
            ),
        )
    await page.goto(url)
    assert await page.get_attribute("html", "lang") == "sv"
    await page.get_by_label("Ändra din kommentar").fill("")
    await page.get_by_role("button", name="Spara ändringarna").click()
    # The browser itself keeps an empty required field from being sent.
    assert await page.evaluate("document.querySelector('textarea').validity.valueMissing")
    await screenshot(page, "author-page-sv")


async def test_the_verification_link_confirms_the_comment_by_its_button(
    world: World, page: Page, tools: BrowserTools
) -> None:
    release = await world.release(mode="post")
    await world.verify_email(release)
    await world.comment(release, "Confirm me, please")
    outbox = world.app.state.comments.runtime.db["mail_outbox"]
    mail = await outbox.find_one({"kind": "verification"})
    assert mail is not None
    path = re.search(r"/v1/public/verify/\S+", mail["text"])
    assert path is not None
    await page.goto(f"{world.origin}{path.group(0)}")
    assert await page.evaluate("document.scripts.length") == 0
    assert await frame_accessibility_failures(page.main_frame, tools) == []
    thread = await world.api.get(f"/v1/public/releases/{release}/comments")
    assert thread.json()["items"] == []  # opening the link confirms nothing

    await page.get_by_role("button", name="Confirm my comment").click()
    await page.get_by_role("status").filter(has_text="your comment is confirmed").wait_for()
    await screenshot(page, "verify-page")
    thread = await world.api.get(f"/v1/public/releases/{release}/comments")
    assert [c["body_html"] for c in thread.json()["items"]] == ["Confirm me, please"]
    await page.get_by_role("link", name="Change or delete it").click()
    await page.get_by_role("heading", name="Your comment").wait_for()
    assert await page.get_by_label("Change your comment").input_value() == "Confirm me, please"
