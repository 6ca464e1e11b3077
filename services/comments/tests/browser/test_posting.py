"""A reader posts through the widget: with the mouse, with the keyboard only, in both
moderation modes, and sees the API's problems next to the fields they concern."""

from __future__ import annotations

import pytest
from playwright.async_api import Frame, Page

from newsroom_testing.browser import BrowserTools, screenshot

from .conftest import A, World, assert_frame_accessible, staff, widget_frame

pytestmark = [pytest.mark.browser, pytest.mark.connected]


async def _focused(frame: Frame) -> str:
    """What has the focus in the frame: its tag, name or class."""
    found: str = await frame.evaluate(
        "(() => { const e = document.activeElement;"
        " return e.tagName.toLowerCase() + ':' + (e.name || e.className || ''); })()"
    )
    return found


async def test_a_reader_posts_and_sees_the_comment_at_once_in_post_moderation(
    world: World, page: Page, tools: BrowserTools
) -> None:
    release = await world.release(mode="post")
    await page.goto(world.page_embedding(release))
    frame = await widget_frame(page, world)
    assert await frame.get_by_text("No comments yet.").is_visible()

    await frame.get_by_label("Name").fill("Ada <Reader>")
    await frame.get_by_label("Email (never shown)").fill("ada@example.com")
    await frame.get_by_label("Comment", exact=True).fill("Great news, <em>finally</em>!")
    await frame.get_by_role("button", name="Post comment").click()

    status = frame.get_by_role("status")
    await status.filter(has_text="Your comment is published.").wait_for()
    item = frame.locator("ul.thread > li").first
    assert await item.locator(".author").inner_text() == "Ada <Reader>"  # text, not markup
    assert await item.locator("em").inner_text() == "finally"
    assert await _focused(frame) == "article:"  # focus on the new comment
    assert await frame.get_by_role("heading", level=2).inner_text() == "1 comment"
    assert await frame.get_by_label("Comment", exact=True).input_value() == ""
    await assert_frame_accessible(page, frame, tools, "widget-posted")


async def test_in_pre_moderation_the_reader_is_told_it_awaits_a_moderator(
    world: World, page: Page
) -> None:
    release = await world.release(mode="pre")
    await page.goto(world.page_embedding(release))
    frame = await widget_frame(page, world)

    await frame.get_by_label("Name").fill("Ada")
    await frame.get_by_label("Email (never shown)").fill("ada@example.com")
    await frame.get_by_label("Comment", exact=True).fill("Will this be shown?")
    await frame.get_by_role("button", name="Post comment").click()

    message = "Thank you! Your comment will be shown once a moderator has approved it."
    await frame.get_by_role("status").filter(has_text=message).wait_for()
    assert await _focused(frame) == "p:status"  # nothing new to focus: the message is
    assert await frame.locator("ul.thread > li").count() == 0
    await screenshot(page, "widget-awaiting-moderation")


async def test_keyboard_only_a_reader_posts_and_replies(world: World, page: Page) -> None:
    release = await world.release(mode="post")
    first = await world.comment(release, "The first comment, to answer.")
    await page.goto(world.page_embedding(release))
    frame = await widget_frame(page, world)

    for _ in range(10):  # from the blog's page into the frame, by Tab alone
        if await _focused(frame) == "input:author_name":
            break
        await page.keyboard.press("Tab")
    assert await _focused(frame) == "input:author_name"
    await page.keyboard.type("Keys Only")
    await page.keyboard.press("Tab")
    await page.keyboard.type("keys@example.com")
    await page.keyboard.press("Tab")
    assert await _focused(frame) == "textarea:text"
    await page.keyboard.type("Typed without a mouse.")
    await page.keyboard.press("Tab")  # the honeypot is out of the tab order
    assert await _focused(frame) == "button:primary"
    await page.keyboard.press("Enter")
    await frame.get_by_role("status").filter(has_text="Your comment is published.").wait_for()
    assert await _focused(frame) == "article:"

    # To the first comment's Reply button, open the reply form, and send it.
    reply = frame.get_by_role("button", name="Reply to Jane")
    for _ in range(20):
        if await reply.evaluate("b => b === document.activeElement"):
            break
        await page.keyboard.press("Tab")
    await page.keyboard.press("Enter")
    assert await _focused(frame) == "input:author_name"  # in the reply form
    await page.keyboard.type("Keys Only")
    await page.keyboard.press("Tab")
    await page.keyboard.type("keys@example.com")
    await page.keyboard.press("Tab")
    await page.keyboard.type("And a reply, by keyboard.")
    await page.keyboard.press("Enter")  # in a textarea: a new line, not a submission
    await page.keyboard.press("Tab")
    await page.keyboard.press("Enter")
    replies = frame.locator(f'li[data-id="{first["id"]}"] > ul.replies > li')
    await replies.first.wait_for()
    assert "And a reply, by keyboard." in await replies.first.inner_text()
    assert await _focused(frame) == "article:"
    await screenshot(page, "widget-keyboard")


async def test_the_apis_problems_show_beside_their_fields(world: World, page: Page) -> None:
    release = await world.release(mode="post")
    await page.goto(world.page_embedding(release))
    frame = await widget_frame(page, world)

    await frame.get_by_label("Name").fill("Ada")
    await frame.get_by_label("Email (never shown)").fill("not an address")
    await frame.get_by_label("Comment", exact=True).fill("Hello")
    await frame.get_by_role("button", name="Post comment").click()

    email = frame.get_by_label("Email (never shown)")
    await frame.locator('[aria-invalid="true"]').wait_for()
    assert await email.get_attribute("aria-invalid") == "true"
    assert await _focused(frame) == "input:email"
    described = await email.get_attribute("aria-describedby")
    assert described is not None
    error = await frame.locator(f"#{described}").inner_text()
    assert error  # the API's message for the field, beside it
    status = await frame.get_by_role("status").inner_text()
    assert status.startswith("Your comment could not be sent:")
    await screenshot(page, "widget-problem")


async def test_a_reader_reports_a_comment(world: World, page: Page) -> None:
    release = await world.release(mode="post")
    posted = await world.comment(release, "Something a reader finds wrong.")
    await page.goto(world.page_embedding(release))
    frame = await widget_frame(page, world)

    await frame.get_by_role("button", name="Report").click()
    thanks = "Thank you. The moderators will look at it."
    await frame.get_by_role("status").filter(has_text=thanks).wait_for()
    queue = await world.api.get("/v1/moderation/queue", headers=staff(A))
    assert [c["id"] for c in queue.json()["items"]] == [posted["id"]]


async def test_a_failed_connection_is_said_and_the_form_can_be_sent_again(
    world: World, page: Page
) -> None:
    release = await world.release(mode="post")
    await page.goto(world.page_embedding(release))
    frame = await widget_frame(page, world)
    url = f"{world.origin}/v1/public/releases/{release}/comments"
    await page.route(url, lambda route: route.abort())  # the POST never reaches the service

    await frame.get_by_label("Name").fill("Ada")
    await frame.get_by_label("Email (never shown)").fill("ada@example.com")
    await frame.get_by_label("Comment", exact=True).fill("Sent while offline.")
    send = frame.get_by_role("button", name="Post comment")
    await send.click()
    failed = "Your comment could not be sent: The connection failed. Please try again."
    await frame.get_by_role("status").filter(has_text=failed).wait_for()
    assert await send.is_enabled()
    assert await frame.get_by_label("Comment", exact=True).input_value() == "Sent while offline."
