"""The public double opt-in end to end: subscribe (the same answer whatever the address's
state), the confirmation email through a real SMTP server, confirm, and a published release
reaching only confirmed, unsuppressed, unerased subscribers; forged and expired links; the
subscribe form of the newsroom's pages."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fakes.auth import api_settings, app_of, distribution_of, headers, staff_api
from fakes.newsrooms import known_newsroom, newsroom_created
from fakes.smtp_sink import ReceivedMail, SmtpSink

from distribution.domain.subscribers import SubscriberStatus
from distribution.entrypoints.confirmations import ConfirmationMailer
from distribution.entrypoints.worker import DeliveryWorker
from distribution.service.newsrooms import apply_newsroom_event
from distribution.service.planning import plan_for_release
from newsroom_shared.events.publisher import NewsroomUpdated, ReleasePublished
from newsroom_testing.clock import FakeClock
from newsroom_testing.fixtures import drop_test_database

pytestmark = pytest.mark.connected
A = "tenant-a"
NEWSROOM = "n-acme"
SLUG = "acme"  # readers name the newsroom by its public slug
NEWSROOM_NAME = "Acme Corporation Press Room"  # neither the channel's name nor the slug
SENDER = "news@acme.example"
LINK = re.compile(r"https://news\.example(/v1/public/subscriptions/confirm/[A-Za-z0-9_.\-]+)")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.now(UTC))


@pytest.fixture
async def api(
    infra: Any, unique: str, mongo_client: Any, smtp_sink: SmtpSink, clock: FakeClock
) -> AsyncIterator[httpx.AsyncClient]:
    settings = api_settings(
        infra,
        unique,
        smtp_host=smtp_sink.host,
        smtp_port=smtp_sink.port,
        smtp_timeout_s=5.0,
        smtp_local_hostname="distribution.test",
    )
    try:
        async with staff_api(settings, clock) as client:
            await known_newsroom(client, A, NEWSROOM, slug=SLUG, name=NEWSROOM_NAME)
            yield client
    finally:
        await drop_test_database(mongo_client, settings.database_name)


def mailer(api: httpx.AsyncClient) -> ConfirmationMailer:
    found: ConfirmationMailer = app_of(api).state.confirmation_mailer
    return found


async def email_channel(api: httpx.AsyncClient, tenant: str = A) -> dict[str, Any]:
    answer = await api.post(
        "/v1/channels",
        json={
            "newsroom_id": NEWSROOM,
            "kind": "email",
            "name": "Acme News",
            "settings": {"sender": SENDER, "sender_name": "Acme News"},
        },
        headers=headers(tenant),
    )
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def subscribe(api: httpx.AsyncClient, email: str, **extra: Any) -> httpx.Response:
    return await api.post(
        f"/v1/public/newsrooms/{SLUG}/subscribers", json={"email": email, **extra}
    )


def confirm_path(mail: ReceivedMail) -> str:
    text = mail.message.get_body(preferencelist=("plain",))
    assert text is not None
    match = LINK.search(text.get_content())
    assert match, text.get_content()
    return match.group(1)


async def status_of(api: httpx.AsyncClient, email: str) -> SubscriberStatus | None:
    found = await distribution_of(api).reader().subscribers.with_email(A, email)
    return found[0].status if found else None


async def publish(
    api: httpx.AsyncClient, clock: FakeClock, release_id: str, language: str = "en"
) -> None:
    event = ReleasePublished(
        tenant_id=A,
        release_id=release_id,
        newsroom_id=NEWSROOM,
        newsroom_slug="acme",
        slug=release_id,
        title=f"Release {release_id}",
        lead="Lead.",
        language=language,
        categories=["products"],
        url=release_url(release_id),
        version=1,
        published_at=clock.now(),
    )
    distribution = distribution_of(api)
    await distribution.transact(lambda uow: plan_for_release(uow, event, clock.now()))
    worker = DeliveryWorker(
        distribution, interval_s=1.0, batch_size=50, lease_s=60.0, concurrency={"email": 4}
    )
    try:
        await worker.run_once()
        await worker.wait_idle()
    finally:
        await worker.stop()


def release_url(release_id: str) -> str:
    """What the publisher puts in the event: the release's public web page."""
    return f"https://www.news.example/{SLUG}/releases/{release_id}"


def release_mails(sink: SmtpSink, address: str) -> list[ReceivedMail]:
    return [m for m in sink.received_by(address) if "Release" in str(m.message["Subject"])]


async def test_subscribe_confirm_and_receive_a_release(
    api: httpx.AsyncClient, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    await email_channel(api)

    accepted = await subscribe(api, "Jane@Example.org", language="de")
    assert accepted.status_code == 202
    assert await status_of(api, "jane@example.org") is SubscriberStatus.PENDING_CONFIRMATION
    assert await mailer(api).run_once() == 1
    assert await mailer(api).run_once() == 0  # sent once
    [mail] = smtp_sink.received_by("jane@example.org")
    assert "bestätigen" in str(mail.message["Subject"])
    assert mail.message.get_body(preferencelist=("html",)) is not None
    path = confirm_path(mail)

    # A browser following the link lands on the newsroom's page (the publisher renders it).
    page = await api.get(path)
    token = path.rsplit("/", 1)[1]
    assert (page.status_code, page.headers["location"]) == (
        303,
        f"/{SLUG}/subscription/confirm/{token}",
    )
    assert await status_of(api, "jane@example.org") is SubscriberStatus.PENDING_CONFIRMATION

    confirmed = await api.post(path)
    again = await api.post(path)
    assert (confirmed.status_code, confirmed.json()) == (200, {"status": "confirmed"})
    assert again.status_code == 200
    assert await status_of(api, "jane@example.org") is SubscriberStatus.CONFIRMED

    await publish(api, clock, "r0", language="en")  # she wants German only
    await publish(api, clock, "r1", language="de-AT")
    assert len(release_mails(smtp_sink, "jane@example.org")) == 1


async def test_the_answer_is_the_same_for_new_pending_and_confirmed_addresses(
    api: httpx.AsyncClient, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    await email_channel(api)
    new = await subscribe(api, "new@example.org")
    await mailer(api).run_once()
    pending = await subscribe(api, "new@example.org")
    await api.post(confirm_path(smtp_sink.received_by("new@example.org")[0]))
    confirmed = await subscribe(api, "new@example.org")

    assert new.status_code == pending.status_code == confirmed.status_code == 202
    assert new.json() == pending.json() == confirmed.json()
    # Pending again within minutes: no second email; confirmed: none either.
    await mailer(api).run_once()
    assert len(smtp_sink.received_by("new@example.org")) == 1


async def test_a_pending_address_gets_a_fresh_email_only_after_a_while(
    api: httpx.AsyncClient, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    await email_channel(api)
    await subscribe(api, "slow@example.org")
    await subscribe(api, "slow@example.org")
    await mailer(api).run_once()
    assert len(smtp_sink.received_by("slow@example.org")) == 1

    clock.advance(timedelta(minutes=11))
    await subscribe(api, "slow@example.org")
    await subscribe(api, "slow@example.org")
    await mailer(api).run_once()
    assert len(smtp_sink.received_by("slow@example.org")) == 2


async def test_unconfirmed_suppressed_and_erased_subscribers_get_nothing(
    api: httpx.AsyncClient, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    await email_channel(api)
    for address in ("pending@x.example", "bounced@x.example", "erased@x.example", "ok@x.example"):
        await subscribe(api, address)
    await mailer(api).run_once()
    for address in ("bounced@x.example", "erased@x.example", "ok@x.example"):
        assert (await api.post(confirm_path(smtp_sink.received_by(address)[0]))).status_code == 200
    suppressed = await api.post(
        "/v1/suppressions",
        json={"email": "Bounced@x.example", "reason": "bounce"},
        headers=headers(A),
    )
    erased = await api.delete("/v1/subscribers?email=erased@x.example", headers=headers(A))
    assert (suppressed.status_code, erased.status_code) == (201, 204)

    await publish(api, clock, "r2")

    assert len(release_mails(smtp_sink, "ok@x.example")) == 1
    for address in ("pending@x.example", "bounced@x.example", "erased@x.example"):
        assert release_mails(smtp_sink, address) == []
    # A suppressed address cannot subscribe again, and learns nothing about it.
    again = await subscribe(api, "bounced@x.example")
    await mailer(api).run_once()
    assert again.status_code == 202
    assert len(smtp_sink.received_by("bounced@x.example")) == 1  # the first confirmation only


async def test_forged_expired_and_unknown_links_and_bad_input(
    api: httpx.AsyncClient, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    no_channel = await subscribe(api, "a@example.org")
    assert (no_channel.status_code, no_channel.json()["detail"]) == (
        404,
        "this newsroom takes no subscribers",
    )
    await email_channel(api)
    for bad in ({"email": "not-an-address"}, {"email": "a@example.org", "language": "<script>"}):
        answer = await api.post(f"/v1/public/newsrooms/{SLUG}/subscribers", json=bad)
        assert answer.status_code == 422, answer.text
    await subscribe(api, "late@example.org")
    await mailer(api).run_once()
    path = confirm_path(smtp_sink.received_by("late@example.org")[0])
    forged = path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb")

    for method in ("GET", "POST"):
        answer = await api.request(method, forged)
        assert (answer.status_code, answer.json()["code"]) == (400, "invalid_token")
    clock.advance(timedelta(hours=49))
    for method in ("GET", "POST"):
        answer = await api.request(method, path)
        assert answer.status_code == 410
        assert answer.json()["code"] == "token_expired"
        assert "expired" in answer.json()["detail"]
    assert await status_of(api, "late@example.org") is SubscriberStatus.PENDING_CONFIRMATION


async def test_a_link_leads_to_the_newsrooms_own_domain_once_it_has_one(
    api: httpx.AsyncClient, smtp_sink: SmtpSink
) -> None:
    await email_channel(api)
    await subscribe(api, "dom@example.org")
    await mailer(api).run_once()
    path = confirm_path(smtp_sink.received_by("dom@example.org")[0])
    token = path.rsplit("/", 1)[1]
    moved = NewsroomUpdated(
        **{
            **newsroom_created(A, NEWSROOM, slug=SLUG).model_dump(),
            "version": 2,
            "domain": "news.acme.example",
        }
    )
    await distribution_of(api).transact(lambda uow: apply_newsroom_event(uow, moved))

    page = await api.get(path)

    assert (page.status_code, page.headers["location"]) == (
        303,
        f"https://news.acme.example/subscription/confirm/{token}",
    )


def parts(mail: ReceivedMail) -> tuple[str, str]:
    text = mail.message.get_body(preferencelist=("plain",))
    html = mail.message.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    return text.get_content(), html.get_content()


async def test_emails_name_the_newsroom_and_link_the_releases_page(
    api: httpx.AsyncClient, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    await email_channel(api)  # named "Acme News", sender name "Acme News"
    await subscribe(api, "reader@example.org")
    await mailer(api).run_once()
    [confirmation] = smtp_sink.received_by("reader@example.org")
    text, html = parts(confirmation)
    assert f"receive news from {NEWSROOM_NAME}:" in text
    assert f"receive news from {NEWSROOM_NAME}." in html
    assert NEWSROOM_NAME in str(confirmation.message["Subject"])
    await api.post(confirm_path(confirmation))

    await publish(api, clock, "r7")

    [mail] = release_mails(smtp_sink, "reader@example.org")
    text, html = parts(mail)
    text = text.replace("\r\n", "\n")  # the wire's line ends
    assert f"Read the release: {release_url('r7')}\n" in text
    assert f"You receive this because you subscribed to {NEWSROOM_NAME}.\n" in text
    assert f'<a href="{release_url("r7")}">Read the release</a>' in html
    assert f"you subscribed to {NEWSROOM_NAME}. <a href=" in html  # a space before the link
    assert "Unsubscribe</a>" in html
    assert "/v1/public/" not in text + html  # no link into the JSON API


# The subscribe form of a newsroom's pages: a plain HTML form post, answered with a redirect back
# to the newsroom's pages on the same origin; the double opt-in is the API's.
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


async def post_form(api: httpx.AsyncClient, body: str, slug: str = SLUG) -> httpx.Response:
    path = f"/v1/public/newsrooms/{slug}/subscribers/form"
    return await api.post(path, content=body, headers=FORM)


async def test_the_form_starts_the_double_opt_in_and_sends_the_reader_back(api) -> None:
    await email_channel(api)
    answer = await post_form(api, "email=Jane%40Example.org&language=sv&lang=sv")
    assert (answer.status_code, answer.headers["location"]) == (
        303,
        f"/{SLUG}/subscribe/sent?lang=sv",
    )
    assert await status_of(api, "jane@example.org") is SubscriberStatus.PENDING_CONFIRMATION
    found = (
        await distribution_of(api).reader().subscribers.with_email("tenant-a", "jane@example.org")
    )
    assert found[0].language == "sv"
    assert await mailer(api).run_once() == 1
    # Again: the same answer, whatever the address's state (nobody learns who subscribed).
    again = await post_form(api, "email=jane%40example.org")
    assert (again.status_code, again.headers["location"]) == (303, f"/{SLUG}/subscribe/sent")


async def test_a_bad_address_or_a_newsroom_without_email_goes_back_to_the_form(api) -> None:
    for body in ("email=not-an-address", "email=", "email=a%40b.c&language=%21%21", "\xff"):
        answer = await post_form(api, body)
        assert (answer.status_code, answer.headers["location"]) == (
            303,
            f"/{SLUG}/subscribe?problem=invalid_email",
        ), body
    # The newsroom has no email channel yet; an unknown newsroom is the same to a reader.
    for slug in (SLUG, "no-such-newsroom"):
        answer = await post_form(api, "email=jane%40example.org&lang=en", slug=slug)
        assert answer.headers["location"] == f"/{slug}/subscribe?problem=unavailable&lang=en"
    # The redirect only ever names a slug and a language of this site's shape.
    assert (
        await post_form(api, "email=jane%40example.org", slug="evil.example")
    ).status_code == 422
    # No form at all is refused outright, as a problem.
    assert (await post_form(api, "")).status_code == 422
    as_json = await api.post(
        f"/v1/public/newsrooms/{SLUG}/subscribers/form", json={"email": "jane@example.org"}
    )
    assert as_json.status_code == 415
    assert as_json.headers["content-type"] == "application/problem+json"
    bad_lang = await post_form(api, "email=not-an-address&lang=https://evil.example")
    assert bad_lang.headers["location"] == f"/{SLUG}/subscribe?problem=invalid_email"


async def test_the_newsroom_pages_form_confirms_and_goes_back_to_the_newsrooms_pages(
    api, smtp_sink
) -> None:
    await email_channel(api)
    await subscribe(api, "jane@example.org")
    assert await mailer(api).run_once() == 1
    path = confirm_path(smtp_sink.received_by("jane@example.org")[0])
    page_form = f"newsroom={SLUG}&lang=sv"
    confirmed = await api.post(path, content=page_form, headers=FORM)
    assert (confirmed.status_code, confirmed.headers["location"]) == (
        303,
        f"/{SLUG}/subscription/confirmed?lang=sv",
    )
    assert await status_of(api, "jane@example.org") is SubscriberStatus.CONFIRMED
    forged = await api.post(path[:-3] + "abc", content=page_form, headers=FORM)
    assert forged.headers["location"] == f"/{SLUG}/subscription/problem?code=invalid_token&lang=sv"
    # A slug not of the publisher's shape is no page to go back to: the JSON answer.
    json_answer = await api.post(path, content="newsroom=https://evil.example", headers=FORM)
    assert (json_answer.status_code, json_answer.json()) == (200, {"status": "confirmed"})
