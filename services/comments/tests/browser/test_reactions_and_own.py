"""In the widget: reactions shown with their counts and toggled (by keyboard too, pressed
state for screen readers, in both languages), and the reader's own fresh comment edited and
deleted in the same session; a newsroom that verifies addresses says to check the email."""

from __future__ import annotations

import pytest
from playwright.async_api import Frame, Page

from newsroom_testing.browser import BrowserTools, screenshot

from .conftest import World, assert_frame_accessible, widget_frame

pytestmark = [pytest.mark.browser, pytest.mark.connected]


async def post_in_frame(frame: Frame, text: str) -> None:
    await frame.get_by_label("Name").fill("Ada")
    await frame.get_by_label("Email (never shown)").fill("ada@example.com")
    await frame.get_by_label("Comment", exact=True).fill(text)
    await frame.get_by_role("button", name="Post comment").click()


async def test_reactions_show_counts_and_toggle_by_keyboard(
    world: World, page: Page, tools: BrowserTools
) -> None:
    release = await world.release(mode="post")
    posted = await world.comment(release, "React to me")
    url = f"/v1/public/releases/{release}/comments/{posted['id']}/reactions"
    answer = await world.api.post(url, json={"kind": "insightful"})  # counted, shown
    assert answer.status_code == 200, answer.text
    await page.goto(world.page_embedding(release))
    frame = await widget_frame(page, world)

    group = frame.get_by_role("group", name="Reactions")
    like = group.get_by_role("button", name="Like")
    assert await like.inner_text() == "Like 0"
    assert await like.get_attribute("aria-pressed") == "false"
    assert await group.get_by_role("button", name="Insightful").inner_text() == "Insightful 1"
    assert await group.get_by_role("button", name="Disagree").inner_text() == "Disagree 0"

    await like.focus()
    await page.keyboard.press("Enter")
    await frame.locator('button.reaction[aria-pressed="true"]').wait_for()
    assert await like.inner_text() == "Like 1"
    await assert_frame_accessible(page, frame, tools, "widget-reactions")
    await like.focus()
    await page.keyboard.press("Space")
    await frame.locator('button.reaction[aria-pressed="true"]').wait_for(state="detached")
    assert await like.inner_text() == "Like 0"
    thread = await world.api.get(f"/v1/public/releases/{release}/comments")
    assert thread.json()["items"][0]["reactions"] == {"insightful": 1, "like": 0}


async def test_reactions_in_swedish(world: World, page: Page) -> None:
    release = await world.release(mode="post")
    await world.comment(release, "Reagera på mig")
    await page.goto(world.page_embedding(release, lang="sv"))
    frame = await widget_frame(page, world)
    group = frame.get_by_role("group", name="Reaktioner")
    await group.get_by_role("button", name="Gilla").click()
    await frame.locator('button.reaction[aria-pressed="true"]').wait_for()
    assert await group.get_by_role("button", name="Håller inte med").inner_text() == (
        "Håller inte med 0"
    )
    await screenshot(page, "widget-reactions-sv")


async def test_the_reader_edits_then_deletes_a_fresh_comment(world: World, page: Page) -> None:
    release = await world.release(mode="post")
    await page.goto(world.page_embedding(release))
    frame = await widget_frame(page, world)
    await post_in_frame(frame, "First <em>draft</em>")
    await frame.get_by_role("status").filter(has_text="Your comment is published.").wait_for()

    await frame.get_by_role("button", name="Edit", exact=True).click()
    editor = frame.get_by_role("textbox", name="Edit your comment")
    assert await editor.input_value() == "First <em>draft</em>"
    await editor.fill("Second <strong>thought</strong>")
    await frame.get_by_role("button", name="Save changes").click()
    await frame.get_by_role("status").filter(has_text="Your comment is changed.").wait_for()
    item = frame.locator("ul.thread > li").first
    assert await item.locator("strong").inner_text() == "thought"
    thread = await world.api.get(f"/v1/public/releases/{release}/comments")
    assert thread.json()["items"][0]["body_html"] == "Second <strong>thought</strong>"
    await screenshot(page, "widget-edited")

    await frame.get_by_role("button", name="Delete", exact=True).click()
    await frame.get_by_role("status").filter(has_text="Your comment is deleted.").wait_for()
    assert await frame.locator("ul.thread > li").count() == 0
    assert await frame.get_by_role("heading", level=2).inner_text() == "0 comments"
    thread = await world.api.get(f"/v1/public/releases/{release}/comments")
    assert thread.json()["items"] == []


async def test_others_comments_offer_no_edit(world: World, page: Page) -> None:
    release = await world.release(mode="post")
    await world.comment(release, "Not yours to change")
    await page.goto(world.page_embedding(release))
    frame = await widget_frame(page, world)
    assert await frame.get_by_role("button", name="Edit", exact=True).count() == 0
    assert await frame.get_by_role("button", name="Delete", exact=True).count() == 0


async def test_a_newsroom_that_verifies_says_to_check_the_email(world: World, page: Page) -> None:
    release = await world.release(mode="post")
    known = await world.api.get(f"/v1/public/releases/{release}/comment-count")
    assert known.status_code == 200
    await world.verify_email(release)
    await page.goto(world.page_embedding(release))
    frame = await widget_frame(page, world)
    await post_in_frame(frame, "Please confirm me")
    message = "Thank you! We sent you an email: your comment is shown once you confirm it"
    await frame.get_by_role("status").filter(has_text=message).wait_for()
    assert await frame.locator("ul.thread > li").count() == 0
