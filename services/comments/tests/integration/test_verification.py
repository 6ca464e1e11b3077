"""Email verification end to end: a newsroom that asks for it, a comment posted through the
API that stays unseen, the verification mail caught by a real SMTP server on loopback, its
link followed (a page with a button, then the form post), the comment shown; again changes
nothing; a link past its time answers 410; unverified comments have their removal index."""

from __future__ import annotations

import re

import httpx

from newsroom_testing.clock import FakeClock
from newsroom_testing.smtp_sink import SmtpSink

from .conftest import (
    A,
    comment_body,
    comments_of,
    known_release,
    ok,
    post_mode,
    published,
    staff,
)
from .test_author_link import mail_api, mail_settings, mail_to, text_of

__all__ = ["mail_api", "mail_settings"]

LINK = re.compile(r"http://comments\.test(/v1/public/verify/[^\s?]+\?lang=\w+)")


async def posted_awaiting(client: httpx.AsyncClient, sink: SmtpSink) -> tuple[str, str]:
    """A comment in a newsroom that verifies addresses; its release and its mail's link."""
    event = await known_release(client, published(A, title="Big news"))
    await post_mode(client, A, event.newsroom_id, verify_email=True)
    url = f"/v1/public/releases/{event.release_id}/comments"
    posted = await ok(client, "POST", url, 201, json=comment_body(email="ada@example.com"))
    assert (posted["status"], posted["awaiting_verification"]) == ("pending", True)
    mail = await mail_to(sink, "ada@example.com")
    assert mail.message["Subject"] == "Confirm your comment on Acme Newsroom"
    match = LINK.search(text_of(mail))
    assert match is not None
    return event.release_id, match.group(1)


async def test_a_comment_shows_once_its_author_follows_the_link(
    mail_api: httpx.AsyncClient, smtp_sink: SmtpSink
) -> None:
    release_id, link = await posted_awaiting(mail_api, smtp_sink)
    thread = f"/v1/public/releases/{release_id}/comments"
    assert (await ok(mail_api, "GET", thread))["items"] == []
    button = await mail_api.get(link)
    assert button.status_code == 200
    assert "Confirm my comment" in button.text
    assert (await ok(mail_api, "GET", thread))["items"] == []  # opening the link is not enough
    confirmed = await mail_api.post(link)
    assert confirmed.status_code == 200
    assert "your comment is confirmed" in confirmed.text
    assert "../manage/" in confirmed.text
    [shown] = (await ok(mail_api, "GET", thread))["items"]
    assert shown["author_name"] == "Jane"
    again = await mail_api.post(link)
    assert again.status_code == 200
    assert len((await ok(mail_api, "GET", thread))["items"]) == 1


async def test_a_link_past_its_time_answers_410_and_a_forged_one_400(
    mail_api: httpx.AsyncClient, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    _, link = await posted_awaiting(mail_api, smtp_sink)
    forged = await mail_api.post(link.replace("/verify/", "/verify/x"))
    assert forged.status_code == 400
    clock.advance(comments_of(mail_api).settings.verify_window_s + 1)
    assert (await mail_api.get(link)).status_code == 410
    assert (await mail_api.post(link)).status_code == 410


async def test_unverified_comments_and_verified_addresses_are_removed_at_their_time(
    mail_api: httpx.AsyncClient,
) -> None:
    db = comments_of(mail_api).runtime.db
    comments = await db["comments"].index_information()
    assert comments["unverified"]["expireAfterSeconds"] == 0
    authors = await db["verified_authors"].index_information()
    assert [index.get("expireAfterSeconds") for index in authors.values()] == [None, 0]


async def test_settings_turn_verification_on_and_off(mail_api: httpx.AsyncClient) -> None:
    event = await known_release(mail_api, published(A))
    await post_mode(mail_api, A, event.newsroom_id, verify_email=True)
    url = f"/v1/newsrooms/{event.newsroom_id}/comment-settings"
    assert (await ok(mail_api, "GET", url, headers=staff(A)))["verify_email"] is True
    await post_mode(mail_api, A, event.newsroom_id)
    assert (await ok(mail_api, "GET", url, headers=staff(A)))["verify_email"] is False
