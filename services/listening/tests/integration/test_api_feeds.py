"""The feed sources API on the real database: add, read, list, delete; the SSRF guard and
the other refusals as problems; who may do what."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from listening_fakes.auth import api_settings, headers, staff_api_on_own_database

from newsroom_shared.http.auth import Scope

pytestmark = pytest.mark.connected
A, B = "tenant-a", "tenant-b"
URL = "https://feeds.example/news.rss"


@pytest.fixture
async def api(infra: Any, unique: str, mongo_client: Any) -> AsyncIterator[httpx.AsyncClient]:
    settings = api_settings(infra, unique, max_feeds_per_tenant=2)
    async with staff_api_on_own_database(settings, mongo_client) as client:
        yield client


async def test_a_feed_is_added_read_listed_and_deleted(api: httpx.AsyncClient) -> None:
    created = await api.post(
        "/v1/sources/feeds", json={"url": f" {URL} ", "name": "News"}, headers=headers(A)
    )
    assert created.status_code == 201, created.text
    feed = created.json()
    assert feed["url"] == URL
    assert feed["name"] == "News"
    assert feed["status"] == "active"
    assert feed["consecutive_failures"] == 0
    assert feed["last_fetched_at"] is None
    assert feed["next_poll_at"] is not None  # due at once

    read = await api.get(f"/v1/sources/feeds/{feed['id']}", headers=headers(A, Scope.viewer))
    assert read.json() == feed
    listed = await api.get("/v1/sources/feeds", headers=headers(A, Scope.viewer))
    assert listed.json()["items"] == [feed]

    deleted = await api.delete(f"/v1/sources/feeds/{feed['id']}", headers=headers(A))
    assert deleted.status_code == 204
    gone = await api.get(f"/v1/sources/feeds/{feed['id']}", headers=headers(A))
    assert gone.status_code == 404
    assert gone.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://10.1.2.3/feed", "private"),
        ("https://[::1]/feed", "loopback"),
        ("https://localhost:8443/feed", "this machine"),
        ("https://2130706433/feed", "not a hostname"),
        ("http://feeds.example/feed", "https"),
        ("ftp://feeds.example/feed", "https"),
        ("feeds.example/feed", "https"),
    ],
)
async def test_a_url_we_may_not_call_is_a_422_saying_why(
    api: httpx.AsyncClient, url: str, reason: str
) -> None:
    answer = await api.post("/v1/sources/feeds", json={"url": url}, headers=headers(A))
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["errors"][0]["location"] == "body.url"
    assert reason in problem["errors"][0]["message"]


async def test_the_same_url_twice_and_past_the_limit_are_409s(api: httpx.AsyncClient) -> None:
    first = await api.post("/v1/sources/feeds", json={"url": URL}, headers=headers(A))
    assert first.status_code == 201
    again = await api.post("/v1/sources/feeds", json={"url": URL}, headers=headers(A))
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_feed"
    other_tenant = await api.post("/v1/sources/feeds", json={"url": URL}, headers=headers(B))
    assert other_tenant.status_code == 201
    second = await api.post("/v1/sources/feeds", json={"url": f"{URL}?2"}, headers=headers(A))
    assert second.status_code == 201
    third = await api.post("/v1/sources/feeds", json={"url": f"{URL}?3"}, headers=headers(A))
    assert third.status_code == 409
    assert third.json()["code"] == "limit_reached"


async def test_viewers_read_admins_change(api: httpx.AsyncClient) -> None:
    for scope in (Scope.viewer, Scope.editor):
        refused = await api.post("/v1/sources/feeds", json={"url": URL}, headers=headers(A, scope))
        assert refused.status_code == 403, scope
    feed = (await api.post("/v1/sources/feeds", json={"url": URL}, headers=headers(A))).json()
    refused = await api.delete(f"/v1/sources/feeds/{feed['id']}", headers=headers(A, Scope.viewer))
    assert refused.status_code == 403
    unknown = await api.post("/v1/sources/feeds", json={"url": URL, "x": 1}, headers=headers(A))
    assert unknown.status_code == 422


async def test_another_tenant_sees_none_of_them(api: httpx.AsyncClient) -> None:
    feed = (await api.post("/v1/sources/feeds", json={"url": URL}, headers=headers(A))).json()
    for method in ("GET", "DELETE"):
        answer = await api.request(method, f"/v1/sources/feeds/{feed['id']}", headers=headers(B))
        assert answer.status_code == 404
    listed = await api.get("/v1/sources/feeds", headers=headers(B))
    assert listed.json()["items"] == []
    still = await api.get(f"/v1/sources/feeds/{feed['id']}", headers=headers(A))
    assert still.status_code == 200
