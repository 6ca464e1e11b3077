"""The unsubscribe link of every email: RFC 8058 one-click POST without cookies, idempotent;
a GET changes nothing; forged links and links of another purpose are refused with a clear 400;
a browser is led to the newsroom's page and back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fakes.newsrooms import newsroom_created

from distribution.adapters.crypto import new_key
from distribution.adapters.mongo.subscribers import MongoSubscribers
from distribution.adapters.signing import TokenPurpose
from distribution.bootstrap import Distribution
from distribution.config import DistributionSettings
from distribution.domain.subscribers import Consent, Subscriber, SubscriberStatus
from distribution.main import create_app
from distribution.service.newsrooms import apply_newsroom_event
from newsroom_testing.fixtures import drop_test_database

pytestmark = pytest.mark.connected


@pytest.fixture
async def api(infra: Any, unique: str, mongo_client: Any) -> AsyncIterator[httpx.AsyncClient]:
    settings = DistributionSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
        mongodb_uri=infra.mongodb_uri,
        mongodb_database=f"test_distribution_{unique}",
        credentials_keys=new_key(),
        subscriber_token_keys="token-key-for-tests",
        recipient_digest_key="digest-key-for-tests",
        consumers_enabled=False,
        worker_enabled=False,
        log_json=False,
    )
    app = create_app(settings)
    try:
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="https://test") as client:
                client.app = app  # type: ignore[attr-defined]
                yield client
    finally:
        await drop_test_database(mongo_client, settings.database_name)


def distribution_of(api: httpx.AsyncClient) -> Distribution:
    distribution: Distribution = api.app.state.distribution  # type: ignore[attr-defined]
    return distribution


async def confirmed_subscriber(api: httpx.AsyncClient, tenant: str) -> Subscriber:
    now = datetime.now(UTC)
    subscriber = Subscriber.create(
        subscriber_id=f"s-{tenant}",
        tenant_id=tenant,
        newsroom_id="n1",
        email=f"reader@{tenant}.example.org",
        consent=Consent(given_at=now, method="double_opt_in"),
        now=now,
    ).confirm(now)
    await MongoSubscribers(distribution_of(api).runtime.db).save(subscriber)
    return subscriber


async def status_of(api: httpx.AsyncClient, subscriber: Subscriber) -> SubscriberStatus:
    repository = MongoSubscribers(distribution_of(api).runtime.db)
    found = await repository.of_ids(subscriber.tenant_id, [subscriber.id])
    return found[subscriber.id].status


def link(api: httpx.AsyncClient, subscriber: Subscriber, purpose: TokenPurpose) -> str:
    tokens = distribution_of(api).tokens
    token = tokens.issue(purpose, {"t": subscriber.tenant_id, "s": subscriber.id})
    return f"/v1/unsubscribe/{token}"


async def test_one_click_post_unsubscribes_without_cookies_and_twice_is_fine(
    api: httpx.AsyncClient,
) -> None:
    subscriber = await confirmed_subscriber(api, "tenant-a")
    other = await confirmed_subscriber(api, "tenant-b")
    url = link(api, subscriber, TokenPurpose.UNSUBSCRIBE)
    form = {"Content-Type": "application/x-www-form-urlencoded"}

    first = await api.post(url, content="List-Unsubscribe=One-Click", headers=form)
    second = await api.post(url, content="List-Unsubscribe=One-Click", headers=form)

    assert (first.status_code, first.json()) == (200, {"status": "unsubscribed"})
    assert second.status_code == 200
    assert "set-cookie" not in first.headers
    assert await status_of(api, subscriber) is SubscriberStatus.UNSUBSCRIBED
    assert await status_of(api, other) is SubscriberStatus.CONFIRMED  # nobody else


async def test_a_get_shows_a_form_and_changes_nothing(api: httpx.AsyncClient) -> None:
    subscriber = await confirmed_subscriber(api, "tenant-a")
    url = link(api, subscriber, TokenPurpose.UNSUBSCRIBE)

    page = await api.get(url)

    assert page.status_code == 200
    assert 'method=post action="' + url + '"' in page.text
    assert await status_of(api, subscriber) is SubscriberStatus.CONFIRMED


async def test_the_form_posts_under_the_prefix_the_api_is_served_under(
    api: httpx.AsyncClient,
) -> None:
    """Behind the one origin's proxy (root path /api/distribution) the button still works."""
    subscriber = await confirmed_subscriber(api, "tenant-a")
    url = link(api, subscriber, TokenPurpose.UNSUBSCRIBE)
    transport = httpx.ASGITransport(app=api.app, root_path="/api/distribution")  # type: ignore[attr-defined]
    async with httpx.AsyncClient(transport=transport, base_url="https://test") as proxied:
        page = await proxied.get(url)
    assert page.status_code == 200
    assert f'method=post action="/api/distribution{url}"' in page.text


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_forged_and_wrong_purpose_links_are_refused(
    api: httpx.AsyncClient, method: str
) -> None:
    subscriber = await confirmed_subscriber(api, "tenant-a")
    confirm_link = link(api, subscriber, TokenPurpose.CONFIRM_SUBSCRIPTION)
    good = link(api, subscriber, TokenPurpose.UNSUBSCRIBE)
    forged = good[:-3] + ("aaa" if not good.endswith("aaa") else "bbb")

    for url in (confirm_link, forged, "/v1/unsubscribe/not.a.token"):
        answer = await api.request(method, url)
        assert answer.status_code == 400
        assert answer.json()["code"] == "invalid_token"
    malformed = await api.request(method, "/v1/unsubscribe/not-a-token")  # not its OpenAPI pattern
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["location"] == "path.token"
    assert await status_of(api, subscriber) is SubscriberStatus.CONFIRMED


async def test_a_link_to_an_erased_subscriber_answers_404(api: httpx.AsyncClient) -> None:
    subscriber = await confirmed_subscriber(api, "tenant-a")
    url = link(api, subscriber, TokenPurpose.UNSUBSCRIBE)
    await distribution_of(api).runtime.db.subscribers.delete_many({})

    answer = await api.post(url)

    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"


async def test_with_its_newsroom_known_the_link_leads_to_the_newsrooms_page_and_back(
    api: httpx.AsyncClient,
) -> None:
    subscriber = await confirmed_subscriber(api, "tenant-a")
    event = newsroom_created("tenant-a", "n1", slug="acme")
    await distribution_of(api).transact(lambda uow: apply_newsroom_event(uow, event))
    url = link(api, subscriber, TokenPurpose.UNSUBSCRIBE)
    token = url.rsplit("/", 1)[1]

    page = await api.get(url)
    assert (page.status_code, page.headers["location"]) == (
        303,
        f"/acme/subscription/unsubscribe/{token}",
    )
    assert await status_of(api, subscriber) is SubscriberStatus.CONFIRMED  # a GET changes nothing
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    body = "List-Unsubscribe=One-Click&newsroom=acme"
    done = await api.post(url, content=body, headers=form)
    assert (done.status_code, done.headers["location"]) == (303, "/acme/subscription/unsubscribed")
    assert await status_of(api, subscriber) is SubscriberStatus.UNSUBSCRIBED
    # A mail client's one-click (no newsroom field) still gets the JSON answer.
    one_click = await api.post(url, content="List-Unsubscribe=One-Click", headers=form)
    assert (one_click.status_code, one_click.json()) == (200, {"status": "unsubscribed"})
