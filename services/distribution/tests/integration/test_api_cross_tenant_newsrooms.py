"""A tenant cannot take over another tenant's newsroom through a channel: it cannot create one
naming it (the same answer as for a newsroom that does not exist), so it can neither switch off
the newsroom's subscriptions nor mail its readers and see their addresses. Even a channel that
names another tenant's newsroom in the database (made before this rule) stays inert: readers
subscribe by the newsroom's slug, and the read model says whose newsroom that is."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fakes.auth import api_settings, app_of, distribution_of, headers, staff_api
from fakes.newsrooms import known_newsroom
from fakes.smtp_sink import SmtpSink

from distribution.domain.channels import Channel, EmailConfig
from distribution.entrypoints.confirmations import ConfirmationMailer
from newsroom_testing.fixtures import drop_test_database

pytestmark = pytest.mark.connected
A, B = "tenant-a", "tenant-b"
VICTIM_NEWSROOM, SLUG = "n-victim", "victim-news"
A_SENDER, B_SENDER = "news@a.example", "news@b.example"
UNKNOWN = "newsroom_id: unknown newsroom: no newsroom with this id in your tenant"


@pytest.fixture
async def api(
    infra: Any, unique: str, mongo_client: Any, smtp_sink: SmtpSink
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
        async with staff_api(settings) as client:
            await known_newsroom(client, A, VICTIM_NEWSROOM, slug=SLUG, name="Victim News")
            await known_newsroom(client, B, "n-attacker", slug="attacker-news")
            yield client
    finally:
        await drop_test_database(mongo_client, settings.database_name)


async def email_channel(api: httpx.AsyncClient, tenant: str, newsroom_id: str) -> httpx.Response:
    sender = A_SENDER if tenant == A else B_SENDER
    return await api.post(
        "/v1/channels",
        json={
            "newsroom_id": newsroom_id,
            "kind": "email",
            "name": "Subscribers",
            "settings": {"sender": sender},
        },
        headers=headers(tenant),
    )


async def subscribe(api: httpx.AsyncClient, email: str) -> httpx.Response:
    return await api.post(f"/v1/public/newsrooms/{SLUG}/subscribers", json={"email": email})


async def send_confirmations(api: httpx.AsyncClient) -> int:
    mailer: ConfirmationMailer = app_of(api).state.confirmation_mailer
    return await mailer.run_once()


async def test_another_tenants_newsroom_gets_the_answer_of_a_newsroom_that_does_not_exist(
    api: httpx.AsyncClient,
) -> None:
    foreign = await email_channel(api, B, VICTIM_NEWSROOM)
    missing = await email_channel(api, B, "n-does-not-exist")
    own = await email_channel(api, B, "n-attacker")

    assert (foreign.status_code, missing.status_code, own.status_code) == (422, 422, 201)
    assert foreign.json() == missing.json()
    assert foreign.json()["detail"] == UNKNOWN
    assert VICTIM_NEWSROOM not in foreign.text.replace(UNKNOWN, "")
    assert (await api.get("/v1/channels", headers=headers(A))).json()["items"] == []


async def test_another_tenant_cannot_switch_off_a_newsrooms_subscriptions(
    api: httpx.AsyncClient, smtp_sink: SmtpSink
) -> None:
    assert (await email_channel(api, A, VICTIM_NEWSROOM)).status_code == 201
    assert (await email_channel(api, B, VICTIM_NEWSROOM)).status_code == 422

    # Before, a second tenant's channel on the newsroom made the route answer 404 to everyone.
    assert (await subscribe(api, "reader@example.org")).status_code == 202
    assert await send_confirmations(api) == 1
    [mail] = smtp_sink.received_by("reader@example.org")
    assert A_SENDER in str(mail.message["From"])


async def test_another_tenant_cannot_mail_a_newsrooms_readers_or_see_them(
    api: httpx.AsyncClient, smtp_sink: SmtpSink
) -> None:
    # The victim has no email channel yet: the attacker's would have been the only one.
    assert (await email_channel(api, B, VICTIM_NEWSROOM)).status_code == 422
    refused = await subscribe(api, "reader@example.org")
    assert refused.status_code == 404  # the newsroom takes no subscribers (yet)
    assert await send_confirmations(api) == 0
    assert smtp_sink.received_by("reader@example.org") == []
    assert (await api.get("/v1/subscribers", headers=headers(B))).json()["items"] == []


async def test_a_foreign_channel_already_stored_stays_inert(
    api: httpx.AsyncClient, smtp_sink: SmtpSink
) -> None:
    """A channel made before the rule, naming the victim's newsroom under the attacker's tenant."""
    planted = Channel(
        id="planted",
        tenant_id=B,
        name="Subscribers",
        newsroom_id=VICTIM_NEWSROOM,
        config=EmailConfig(sender=B_SENDER),
    )
    await distribution_of(api).transact(lambda uow: uow.channels.save(planted))

    assert (await subscribe(api, "reader@example.org")).status_code == 404  # not B's newsroom
    assert (await email_channel(api, A, VICTIM_NEWSROOM)).status_code == 201
    assert (await subscribe(api, "reader@example.org")).status_code == 202
    assert await send_confirmations(api) == 1

    [mail] = smtp_sink.received_by("reader@example.org")
    assert A_SENDER in str(mail.message["From"])
    assert B_SENDER not in mail.message.as_string()
    assert (await api.get("/v1/subscribers", headers=headers(B))).json()["items"] == []
    mine = (await api.get("/v1/subscribers", headers=headers(A))).json()["items"]
    assert [s["email"] for s in mine] == ["reader@example.org"]
