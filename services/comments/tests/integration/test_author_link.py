"""The author's link by email, end to end: a comment posted through the API, its mail caught
by a real SMTP server on loopback, the link in it followed to the author's page, and the
comment changed and deleted there with plain form posts (no script)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from comments.config import CommentsSettings
from newsroom_testing.clock import FakeClock
from newsroom_testing.consumer import eventually
from newsroom_testing.fixtures import drop_test_database
from newsroom_testing.smtp_sink import ReceivedMail, SmtpSink

from .conftest import (
    A,
    comment_body,
    comments_of,
    known_release,
    ok,
    post_mode,
    published,
    running,
    settings_for,
    staff,
)

BASE = "http://comments.test"
LINK = re.compile(r"http://comments\.test(/v1/public/manage/[^\s?]+\?lang=\w+)")


@pytest.fixture
def mail_settings(infra: Any, unique: str, smtp_sink: SmtpSink) -> CommentsSettings:
    return settings_for(
        infra,
        unique,
        smtp_host=smtp_sink.host,
        smtp_port=smtp_sink.port,
        mail_poll_interval_s=0.05,
        public_base_url=BASE,
    )


@pytest.fixture
async def mail_api(
    mail_settings: CommentsSettings, clock: FakeClock, mongo_client: Any
) -> AsyncIterator[httpx.AsyncClient]:
    try:
        async with running(mail_settings, clock) as client:
            yield client
    finally:
        await drop_test_database(mongo_client, mail_settings.database_name)


async def mail_to(sink: SmtpSink, address: str) -> ReceivedMail:
    found: list[ReceivedMail] = await eventually(
        lambda: sink.received_by(address), f"a mail to {address}"
    )
    return found[0]


def text_of(mail: ReceivedMail) -> str:
    part = mail.message.get_body(preferencelist=("plain",))
    assert part is not None
    content: str = part.get_content()
    return content


async def posted_with_link(
    client: httpx.AsyncClient, sink: SmtpSink, address: str = "jane@example.com"
) -> tuple[str, str, str]:
    """A release in post-moderation, a comment on it, and the page link from its mail."""
    event = await known_release(client, published(A, title="Big news"))
    await post_mode(client, A, event.newsroom_id)
    url = f"/v1/public/releases/{event.release_id}/comments"
    posted = await ok(client, "POST", url, 201, json=comment_body(email=address))
    match = LINK.search(text_of(await mail_to(sink, address)))
    assert match is not None
    return event.release_id, posted["id"], match.group(1)


async def test_the_author_gets_the_link_and_changes_the_comment_on_its_page(
    mail_api: httpx.AsyncClient, smtp_sink: SmtpSink
) -> None:
    release_id, comment_id, link = await posted_with_link(mail_api, smtp_sink)
    [mail] = smtp_sink.received
    assert mail.message["Subject"] == "Your comment on Acme Newsroom"
    page = await mail_api.get(link)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert (page.headers["cache-control"], page.headers["referrer-policy"]) == (
        "no-store",
        "no-referrer",
    )
    assert "Congratulations on the launch" in page.text
    assert '<html lang="en">' in page.text
    saved = await mail_api.post(link, data={"action": "save", "text": "Changed <b>my</b> mind"})
    assert saved.status_code == 200
    assert "Saved." in saved.text
    thread = await ok(mail_api, "GET", f"/v1/public/releases/{release_id}/comments")
    assert [c["body_html"] for c in thread["items"]] == ["Changed <b>my</b> mind"]
    deleted = await mail_api.post(link, data={"action": "delete"})
    assert "Deleted." in deleted.text
    again = await mail_api.post(link, data={"action": "delete"})  # idempotent
    assert again.status_code == 200
    thread = await ok(mail_api, "GET", f"/v1/public/releases/{release_id}/comments")
    assert thread["items"] == []
    log = await ok(mail_api, "GET", f"/v1/moderation/log?comment_id={comment_id}", headers=staff(A))
    assert [entry["action"] for entry in log["items"]] == ["deleted"]


async def test_the_page_refuses_an_empty_text_an_expired_link_and_a_forged_one(
    mail_api: httpx.AsyncClient, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    _, _, link = await posted_with_link(mail_api, smtp_sink)
    empty = await mail_api.post(link, data={"action": "save", "text": "<script></script>"})
    assert empty.status_code == 422
    assert 'aria-invalid="true"' in empty.text
    forged = await mail_api.get(link.replace("/manage/", "/manage/x"))
    assert forged.status_code == 400
    unknown = await mail_api.post(link, data={"action": "publish", "text": "x"})
    assert unknown.status_code == 400
    too_long = await mail_api.get(f"/v1/public/manage/{'x' * 1001}")
    assert too_long.status_code == 422
    assert too_long.headers["content-type"] == "application/problem+json"
    clock.advance(comments_of(mail_api).settings.edit_window_s + 1)
    expired = await mail_api.get(link)
    assert expired.status_code == 410
    assert "This link has expired." in expired.text
    late = await mail_api.post(link, data={"action": "delete"})
    assert late.status_code == 410
