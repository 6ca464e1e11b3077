"""Tenant B's key on tenant A's resources: 404 on every staff route that names one (listed
from OpenAPI, so a new route must be added here), and A's data stays as it was."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fakes.auth import api_settings, app_of, distribution_of, headers, staff_api
from fakes.newsrooms import known_newsroom

from distribution.domain.delivery import Delivery
from distribution.domain.subscribers import Consent, Subscriber
from newsroom_testing.fixtures import drop_test_database

pytestmark = pytest.mark.connected
A, B = "tenant-a", "tenant-b"
EMAIL = "jane@example.org"


@pytest.fixture
async def api(infra: Any, unique: str, mongo_client: Any) -> AsyncIterator[httpx.AsyncClient]:
    settings = api_settings(infra, unique)
    try:
        async with staff_api(settings) as client:
            await known_newsroom(client, A, "n1")
            yield client
    finally:
        await drop_test_database(mongo_client, settings.database_name)


async def ok(api: httpx.AsyncClient, method: str, url: str, status: int = 200, **kw: Any) -> Any:
    answer = await api.request(method, url, headers=headers(A), **kw)
    assert answer.status_code == status, answer.text
    return answer.json() if answer.content else None


async def a_data(api: httpx.AsyncClient) -> tuple[str, str]:
    """A's channel, a failed delivery of release r1, a subscriber and a suppression."""
    channel = await ok(
        api,
        "POST",
        "/v1/channels",
        201,
        json={
            "newsroom_id": "n1",
            "kind": "email",
            "name": "News",
            "settings": {"sender": "n@a.example"},
        },
    )
    now = datetime.now(UTC)
    subscriber = Subscriber.create(
        subscriber_id="s1",
        tenant_id=A,
        newsroom_id="n1",
        email=EMAIL,
        consent=Consent(given_at=now, method="double_opt_in"),
        now=now,
    ).confirm(now)
    delivery = (
        Delivery.plan(
            tenant_id=A,
            release_id="r1",
            newsroom_id="n1",
            channel_id=channel["id"],
            channel_kind="email",
            recipient="s1",
            now=now,
        )
        .start_attempt()
        .fail("HTTP 401", permanent=True)
    )

    async def store(uow: Any) -> None:
        await uow.subscribers.save(subscriber)
        await uow.deliveries.add_new([delivery])

    await distribution_of(api).transact(store)
    await ok(
        api, "POST", "/v1/suppressions", 201, json={"email": "x@example.org", "reason": "manual"}
    )
    await ok(api, "PUT", "/v1/alert-recipients", json={"emails": ["pr@a.example"]})
    return channel["id"], delivery.id


async def snapshot(api: httpx.AsyncClient, channel_id: str) -> dict[str, Any]:
    return {
        "channel": await ok(api, "GET", f"/v1/channels/{channel_id}"),
        "failures": await ok(api, "GET", f"/v1/channels/{channel_id}/failures"),
        "channels": await ok(api, "GET", "/v1/channels"),
        "deliveries": await ok(api, "GET", "/v1/releases/r1/deliveries"),
        "summary": await ok(api, "GET", "/v1/releases/r1/deliveries/summary"),
        "subscribers": await ok(api, "GET", "/v1/subscribers"),
        "export": await ok(api, "GET", f"/v1/subscribers/export?email={EMAIL}"),
        "suppressions": await ok(api, "GET", "/v1/suppressions"),
        "alert_recipients": await ok(api, "GET", "/v1/alert-recipients"),
    }


async def test_another_tenant_gets_404_on_every_staff_route_and_changes_nothing(
    api: httpx.AsyncClient,
) -> None:
    channel_id, delivery_id = await a_data(api)
    before = await snapshot(api, channel_id)

    attempts: list[tuple[str, str, Any]] = [
        ("GET", f"/v1/channels/{channel_id}", None),
        ("GET", f"/v1/channels/{channel_id}/failures", None),
        ("PATCH", f"/v1/channels/{channel_id}", {"name": "Taken over", "enabled": False}),
        ("DELETE", f"/v1/channels/{channel_id}", None),
        ("GET", "/v1/releases/r1/deliveries", None),
        ("GET", "/v1/releases/r1/deliveries/summary", None),
        ("POST", f"/v1/deliveries/{delivery_id}/retry", None),
        ("DELETE", "/v1/suppressions/x@example.org", None),
        ("GET", f"/v1/subscribers/export?email={EMAIL}", None),
    ]
    for method, url, body in attempts:
        answer = await api.request(method, url, json=body, headers=headers(B))
        assert answer.status_code == 404, f"{method} {url}: {answer.status_code} {answer.text}"
        assert answer.json()["code"] == "not_found"
    # Erasure is idempotent (204 whatever): B's erases nothing of A's.
    erase = await api.delete(f"/v1/subscribers?email={EMAIL}", headers=headers(B))
    assert erase.status_code == 204
    # The alert recipients setting is the caller's tenant's: B reads and replaces only its own.
    theirs = await api.get("/v1/alert-recipients", headers=headers(B))
    assert theirs.json()["emails"] == []
    replaced = await api.put(
        "/v1/alert-recipients", json={"emails": ["pr@b.example"]}, headers=headers(B)
    )
    assert replaced.status_code == 200

    assert await snapshot(api, channel_id) == before
    for listing in (
        "/v1/channels",
        "/v1/subscribers",
        "/v1/suppressions",
        "/v1/channels?newsroom_id=n1",
    ):
        answer = await api.get(listing, headers=headers(B))
        assert answer.json()["items"] == [], listing

    # Every staff operation that names a resource was tried (new ones must be added above).
    tried = {(method, url.split("?")[0]) for method, url, _ in attempts}
    tried.add(("DELETE", "/v1/subscribers"))
    concrete = {
        "{channel_id}": channel_id,
        "{release_id}": "r1",
        "{delivery_id}": delivery_id,
        "{email}": "x@example.org",
    }
    staff_operations = set()
    for path, operations in app_of(api).openapi()["paths"].items():
        public = path.startswith(
            ("/v1/public", "/v1/unsubscribe", "/healthz", "/readyz", "/metrics")
        )
        names_one = "{" in path or path.endswith(("/export",)) or path == "/v1/subscribers"
        if public or not names_one:
            continue
        for method in operations:
            if (method.upper(), path) == ("GET", "/v1/subscribers"):
                continue  # a listing: checked above
            for placeholder, value in concrete.items():
                path = path.replace(placeholder, value)
            staff_operations.add((method.upper(), path))
    assert len(staff_operations) == 10
    assert staff_operations <= tried, staff_operations - tried
