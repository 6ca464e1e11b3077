"""Channels over HTTP: per-kind validation (SSRF included), credentials stored encrypted and
never answered, the webhook secret shown once, listing, changing, deleting (pending deliveries
cancelled), and who may do what."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fakes.auth import api_settings, distribution_of, headers, staff_api
from fakes.newsrooms import known_newsroom

from distribution.domain.delivery import Delivery, DeliveryStatus
from newsroom_shared.http.auth import Scope
from newsroom_testing.fixtures import drop_test_database

pytestmark = pytest.mark.connected
A = "tenant-a"
SECRETS = ("mastodon-token-123", "bsky-app-pass-456", "x-token-789", "li-token", "fb-token")

VALID: dict[str, tuple[dict[str, Any], dict[str, str]]] = {
    "mastodon": (
        {"instance_url": "https://mastodon.example", "visibility": "unlisted"},
        {"access_token": SECRETS[0]},
    ),
    "bluesky": ({"handle": "acme.bsky.social"}, {"app_password": SECRETS[1]}),
    "x": ({"account": "@acme"}, {"access_token": SECRETS[2]}),
    "linkedin": ({"organization_urn": "urn:li:organization:123"}, {"access_token": SECRETS[3]}),
    "facebook": ({"page_id": "1234567"}, {"page_access_token": SECRETS[4]}),
    "webhook": ({"url": "https://hooks.example/in", "event_types": ["release.published"]}, {}),
    "email": ({"sender": "News@Acme.example", "sender_name": "Acme News"}, {}),
}


@pytest.fixture
async def api(infra: Any, unique: str, mongo_client: Any) -> AsyncIterator[httpx.AsyncClient]:
    settings = api_settings(infra, unique)
    try:
        async with staff_api(settings) as client:
            for newsroom_id in ("n1", "n2"):
                await known_newsroom(client, A, newsroom_id)
            yield client
    finally:
        await drop_test_database(mongo_client, settings.database_name)


async def create(api: httpx.AsyncClient, kind: str, **changes: Any) -> httpx.Response:
    settings, credentials = VALID[kind]
    body = {
        "newsroom_id": "n1",
        "kind": kind,
        "name": f"{kind} channel",
        "settings": settings,
        "credentials": credentials,
        **changes,
    }
    return await api.post("/v1/channels", json=body, headers=headers(A, Scope.editor))


async def test_every_kind_is_created_and_read_back_without_its_credentials(
    api: httpx.AsyncClient,
) -> None:
    answers = []
    for kind in VALID:
        created = await create(api, kind)
        assert created.status_code == 201, created.text
        answers.append(created.text)
        body = created.json()
        assert body["kind"] == kind
        assert body["credentials_set"] == sorted(VALID[kind][1]) or kind == "webhook"
        read = await api.get(f"/v1/channels/{body['id']}", headers=headers(A, Scope.viewer))
        assert read.status_code == 200
        answers.append(read.text)
    listing = await api.get("/v1/channels", headers=headers(A, Scope.viewer))
    answers.append(listing.text)
    assert len(listing.json()["items"]) == len(VALID)

    everything = "\n".join(answers)
    for secret in SECRETS:
        assert secret not in everything
    # Stored encrypted: the database holds no credential in clear either.
    db = distribution_of(api).runtime.db
    stored = json.dumps(await db["channels"].find({}).to_list(), default=str)
    for secret in SECRETS:
        assert secret not in stored
    email = next(c for c in listing.json()["items"] if c["kind"] == "email")
    assert email["settings"]["sender"] == "news@acme.example"
    assert "allow_insecure_url" not in email["settings"]


async def test_a_webhook_secret_is_generated_and_shown_once(api: httpx.AsyncClient) -> None:
    created = await create(api, "webhook")

    secret = created.json()["webhook_secret"]
    assert secret.startswith("whsec_")
    assert created.json()["credentials_set"] == ["secret"]
    read = await api.get(f"/v1/channels/{created.json()['id']}", headers=headers(A))
    assert secret not in read.text
    assert "webhook_secret" not in read.json()
    channel = await distribution_of(api).reader().channels.get(A, created.json()["id"])
    assert channel is not None
    assert channel.config.secret.get_secret_value() == secret
    refused = await create(api, "webhook", credentials={"secret": secret})
    assert refused.status_code == 422


@pytest.mark.parametrize(
    ("kind", "settings", "credentials", "field"),
    [
        (
            "mastodon",
            {"instance_url": "http://mastodon.example"},
            {"access_token": "t"},
            "instance_url",
        ),
        ("mastodon", {"instance_url": "https://127.0.0.1"}, {"access_token": "t"}, "instance_url"),
        ("mastodon", {"instance_url": "https://10.1.2.3"}, {"access_token": "t"}, "instance_url"),
        ("mastodon", {"instance_url": "https://localhost"}, {"access_token": "t"}, "instance_url"),
        ("mastodon", {"instance_url": "https://[::1]/"}, {"access_token": "t"}, "instance_url"),
        (
            "mastodon",
            {"instance_url": "https://u:p@m.example"},
            {"access_token": "t"},
            "instance_url",
        ),
        ("mastodon", {"instance_url": "https://2130706433"}, {"access_token": "t"}, "instance_url"),
        ("mastodon", {"instance_url": "https://m.example"}, {}, "access_token"),
        ("mastodon", {"instance_url": "https://m.example"}, {"access_token": " "}, "access_token"),
        ("webhook", {"url": "https://169.254.169.254/latest"}, {}, "url"),
        ("webhook", {"url": "https://hooks.example", "event_types": ["nope"]}, {}, "event_types"),
        ("bluesky", {"handle": "not a handle"}, {"app_password": "p"}, "handle"),
        ("x", {"account": "way-too-long-handle-here"}, {"access_token": "t"}, "account"),
        (
            "linkedin",
            {"organization_urn": "urn:li:person:1"},
            {"access_token": "t"},
            "organization_urn",
        ),
        ("facebook", {"page_id": "abc"}, {"page_access_token": "t"}, "page_id"),
        ("email", {"sender": "not-an-address"}, {}, "sender"),
        ("email", {"sender": "a@b.example", "sender_name": "x\ny"}, {}, "sender_name"),
        ("email", {"sender": "a@b.example", "surprise": 1}, {}, "surprise"),
        (
            "mastodon",
            {"instance_url": "https://m.example", "access_token": "t"},
            {},
            "access_token",
        ),
        (
            "mastodon",
            {"instance_url": "http://m.example", "allow_insecure_url": True},
            {"access_token": "t"},
            "allow_insecure_url",
        ),
    ],
)
async def test_invalid_configs_answer_422_naming_the_field(
    api: httpx.AsyncClient,
    kind: str,
    settings: dict[str, Any],
    credentials: dict[str, str],
    field: str,
) -> None:
    answer = await create(api, kind, settings=settings, credentials=credentials)

    assert answer.status_code == 422, answer.text
    error = answer.json()
    assert error["code"] == "validation_failed"
    assert field in error["errors"][0]["location"] or field in error["detail"]
    assert (await api.get("/v1/channels", headers=headers(A))).json()["items"] == []


async def test_unknown_kinds_missing_fields_and_bad_cursors_are_refused(
    api: httpx.AsyncClient,
) -> None:
    unknown = await api.post(
        "/v1/channels",
        json={"newsroom_id": "n1", "kind": "myspace", "name": "m", "settings": {}},
        headers=headers(A),
    )
    nameless = await api.post(
        "/v1/channels", json={"newsroom_id": "n1", "kind": "email"}, headers=headers(A)
    )
    cursor = await api.get("/v1/channels?cursor=%%%", headers=headers(A))
    missing = await api.get("/v1/channels/nope", headers=headers(A))

    assert unknown.status_code == 422
    assert nameless.status_code == 422
    assert cursor.status_code == 400
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


async def test_keys_and_scopes(api: httpx.AsyncClient) -> None:
    settings, _ = VALID["email"]
    body = {"newsroom_id": "n1", "kind": "email", "name": "e", "settings": settings}

    anonymous = await api.post("/v1/channels", json=body)
    bad_key = await api.post("/v1/channels", json=body, headers={"Authorization": "Bearer x"})
    viewer = await api.post("/v1/channels", json=body, headers=headers(A, Scope.viewer))

    assert anonymous.status_code == 401
    assert bad_key.status_code == 401
    assert (viewer.status_code, viewer.json()["code"]) == (403, "insufficient_scope")


async def test_listing_filters_and_pages(api: httpx.AsyncClient) -> None:
    for kind in ("email", "webhook", "mastodon"):
        await create(api, kind)
    await create(api, "email", newsroom_id="n2")

    emails = await api.get("/v1/channels?kind=email", headers=headers(A))
    of_n2 = await api.get("/v1/channels?newsroom_id=n2", headers=headers(A))
    seen: list[str] = []
    url = "/v1/channels?limit=3"
    while url:
        page = (await api.get(url, headers=headers(A))).json()
        seen += [c["id"] for c in page["items"]]
        url = f"/v1/channels?limit=3&cursor={page['next_cursor']}" if page["next_cursor"] else ""

    assert {c["kind"] for c in emails.json()["items"]} == {"email"}
    assert len(emails.json()["items"]) == 2
    assert [c["newsroom_id"] for c in of_n2.json()["items"]] == ["n2"]
    assert len(seen) == len(set(seen)) == 4


async def test_patch_renames_disables_and_replaces_credentials(api: httpx.AsyncClient) -> None:
    channel = (await create(api, "mastodon")).json()
    url = f"/v1/channels/{channel['id']}"

    renamed = await api.patch(url, json={"name": "Renamed", "enabled": False}, headers=headers(A))
    new_token = await api.patch(
        url,
        json={"kind": "mastodon", "credentials": {"access_token": "fresh-token"}},
        headers=headers(A),
    )
    new_settings = await api.patch(
        url,
        json={"kind": "mastodon", "settings": {"instance_url": "https://other.example"}},
        headers=headers(A),
    )
    ssrf = await api.patch(
        url,
        json={"kind": "mastodon", "settings": {"instance_url": "https://192.168.0.1"}},
        headers=headers(A),
    )
    # Settings are a kind's: without the kind they are not understood; another kind is refused.
    kindless = await api.patch(
        url, json={"settings": {"instance_url": "https://x.example"}}, headers=headers(A)
    )
    other_kind = await api.patch(
        url, json={"kind": "x", "settings": {"account": "acme"}}, headers=headers(A)
    )

    assert renamed.status_code == 200
    assert (renamed.json()["name"], renamed.json()["enabled"]) == ("Renamed", False)
    assert "fresh-token" not in new_token.text
    assert new_settings.json()["settings"]["instance_url"] == "https://other.example"
    assert new_settings.json()["settings"]["visibility"] == "public"  # replaced whole
    assert ssrf.status_code == 422
    assert kindless.status_code == 422
    assert (other_kind.status_code, other_kind.json()["code"]) == (409, "kind_mismatch")
    stored = await distribution_of(api).reader().channels.get(A, channel["id"])
    assert stored is not None
    assert stored.config.access_token.get_secret_value() == "fresh-token"
    assert stored.config.instance_url == "https://other.example"
    assert stored.name == "Renamed"


async def test_delete_cancels_the_channels_pending_deliveries(api: httpx.AsyncClient) -> None:
    channel = (await create(api, "mastodon")).json()
    other = (await create(api, "bluesky")).json()
    now = datetime.now(UTC)
    planned = [
        Delivery.plan(
            tenant_id=A,
            release_id="r1",
            newsroom_id="n1",
            channel_id=c["id"],
            channel_kind=c["kind"],
            recipient="acct",
            now=now,
        )
        for c in (channel, other)
    ]
    distribution = distribution_of(api)
    await distribution.transact(lambda uow: uow.deliveries.add_new(planned))

    deleted = await api.delete(f"/v1/channels/{channel['id']}", headers=headers(A))
    again = await api.delete(f"/v1/channels/{channel['id']}", headers=headers(A))

    assert deleted.status_code == 204
    assert again.status_code == 404
    deliveries = {
        d.channel_id: d for d in await distribution.reader().deliveries.of_release(A, "r1")
    }
    assert deliveries[channel["id"]].status is DeliveryStatus.CANCELLED
    assert deliveries[other["id"]].status is DeliveryStatus.PENDING
