"""A reader subscribes from a release page with the newsroom's own form (no script): the form
posts to distribution's public API on the same origin, which sends the reader back; the email's
confirm link, and the next release's unsubscribe link, lead to the newsroom's pages."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page

from newsroom_testing.browser import BrowserTools, assert_accessible
from newsroom_testing.consumer import eventually

from .conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.connected]


async def test_a_reader_subscribes_from_a_release_page(
    live_site: Site, page: Page, tools: BrowserTools, unique: str
) -> None:
    staff = await live_site.new_tenant()
    slug = f"acme-{unique}"
    room = await staff.newsroom(slug, name="Acme Newsroom", default_language="sv")
    release = await staff.published(room["id"], "Acme lanserar elbilar", language="sv")
    await staff.email_channel(room["id"])

    await page.goto(release["url"])
    await page.get_by_role("link", name="Få pressmeddelanden via e-post").click()
    await page.wait_for_url(f"{live_site.origin}/{slug}/subscribe")
    await assert_accessible(page, tools, "subscribe-form")
    await page.get_by_label("Din e-postadress").fill("jane@example.org")
    await page.get_by_label("Pressmeddelanden på").select_option("sv")
    await page.get_by_role("button", name="Prenumerera").click()
    await page.wait_for_url(f"{live_site.origin}/{slug}/subscribe/sent")
    assert await page.get_by_role("heading", level=1).inner_text() == "Kolla din e-post"
    await assert_accessible(page, tools, "subscribe-sent")

    listed = await staff.distribution("GET", "/subscribers", params={"newsroom_id": room["id"]})
    assert listed.status_code == 200, listed.text
    [subscriber] = listed.json()["items"]
    assert (subscriber["email"], subscriber["status"], subscriber["language"]) == (
        "jane@example.org",
        "pending_confirmation",
        "sv",
    )

    # The confirmation email's link leads to the newsroom's page; its button confirms.
    confirm = await eventually(
        lambda: live_site.inbox.link(r"http://\S+/confirm/\S+"), "the confirmation email"
    )
    await page.goto(confirm)
    await page.wait_for_url(re.compile(rf"{live_site.origin}/{slug}/subscription/confirm/"))
    await assert_accessible(page, tools, "subscription-confirm")
    await page.get_by_role("button", name="Bekräfta").click()
    await page.wait_for_url(f"{live_site.origin}/{slug}/subscription/confirmed")
    heading = await page.get_by_role("heading", level=1).inner_text()
    assert heading == "Prenumerationen är bekräftad"
    await assert_accessible(page, tools, "subscription-confirmed")

    # The next release reaches her; its unsubscribe link leads to the newsroom's page too.
    await staff.published(room["id"], "Acme öppnar kontor", language="sv")
    unsubscribe = await eventually(
        lambda: live_site.inbox.link(r"http://\S+/v1/unsubscribe/\S+"), "the release's email"
    )
    await page.goto(unsubscribe)
    await page.wait_for_url(re.compile(rf"{live_site.origin}/{slug}/subscription/unsubscribe/"))
    await assert_accessible(page, tools, "subscription-unsubscribe")
    await page.get_by_role("button", name="Avsluta prenumerationen").click()
    await page.wait_for_url(f"{live_site.origin}/{slug}/subscription/unsubscribed")
    await assert_accessible(page, tools, "subscription-unsubscribed")
    listed = await staff.distribution("GET", "/subscribers", params={"newsroom_id": room["id"]})
    assert listed.json()["items"][0]["status"] == "unsubscribed"


async def test_a_mistyped_address_comes_back_to_the_form_with_the_reason(
    site: Site, page: Page, tools: BrowserTools, unique: str
) -> None:
    staff = await site.new_tenant()
    slug = f"acme-{unique}"
    await staff.newsroom(slug, name="Acme Newsroom")
    await page.goto(f"{site.origin}/{slug}/subscribe")
    # The browser's own check of type=email is not the last word: the server's is.
    await page.get_by_label("Your email address").evaluate("input => input.type = 'text'")
    await page.get_by_label("Your email address").fill("jane at example")
    await page.get_by_role("button", name="Subscribe").click()
    await page.wait_for_url(f"{site.origin}/{slug}/subscribe?problem=invalid_email")
    assert "does not look right" in await page.get_by_role("alert").inner_text()
    await assert_accessible(page, tools, "subscribe-problem")
