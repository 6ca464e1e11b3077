"""Tenant B's key on tenant A's resources: 404 on every staff route that names one (listed
from OpenAPI, so a new route must be added here), B's listings are empty, and A's data stays
as it was. Settings are kept for a newsroom of the caller's own tenant only."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .conftest import (
    A,
    B,
    app_of,
    comment_body,
    known_release,
    ok,
    post_mode,
    published,
    staff,
)

pytestmark = pytest.mark.connected
PUBLIC = ("/v1/public", "/healthz", "/readyz", "/metrics")


async def a_data(api: httpx.AsyncClient) -> dict[str, str]:
    """A's newsroom settings, a reported comment, an official reply, a ban, audit entries."""
    event = await known_release(api, published(A))
    await post_mode(api, A, event.newsroom_id, suspect_words=["refund"])
    url = f"/v1/public/releases/{event.release_id}/comments"
    comment = await ok(api, "POST", url, 201, json=comment_body())
    await ok(api, "POST", f"{url}/{comment['id']}/reports", 202, json={"reason": "rude"})
    await ok(api, "POST", url, 201, json=comment_body("I want a refund"))
    await ok(
        api,
        "POST",
        f"/v1/comments/{comment['id']}/official-replies",
        201,
        json={"author_name": "Acme", "text": "Thanks"},
        headers=staff(A),
    )
    ban = await ok(
        api, "POST", "/v1/bans", 201, json={"kind": "client", "digest": "b" * 64}, headers=staff(A)
    )
    return {
        "{comment_id}": comment["id"],
        "{newsroom_id}": event.newsroom_id,
        "{ban_id}": ban["id"],
        "release": event.release_id,
    }


async def snapshot(api: httpx.AsyncClient, ids: dict[str, str]) -> dict[str, Any]:
    as_a = staff(A)
    return {
        "comment": await ok(api, "GET", f"/v1/comments/{ids['{comment_id}']}", headers=as_a),
        "settings": await ok(
            api, "GET", f"/v1/newsrooms/{ids['{newsroom_id}']}/comment-settings", headers=as_a
        ),
        "queue": await ok(api, "GET", "/v1/moderation/queue", headers=as_a),
        "log": await ok(api, "GET", "/v1/moderation/log", headers=as_a),
        "bans": await ok(api, "GET", "/v1/bans", headers=as_a),
        "thread": await ok(api, "GET", f"/v1/public/releases/{ids['release']}/comments"),
    }


async def test_another_tenant_gets_404_on_every_staff_route_and_changes_nothing(
    api: httpx.AsyncClient,
) -> None:
    ids = await a_data(api)
    before = await snapshot(api, ids)
    comment, newsroom, ban = ids["{comment_id}"], ids["{newsroom_id}"], ids["{ban_id}"]
    not_found: list[tuple[str, str, Any]] = [
        ("GET", f"/v1/comments/{comment}", None),
        ("POST", f"/v1/comments/{comment}/decisions", {"decision": "hidden"}),
        (
            "POST",
            f"/v1/comments/{comment}/official-replies",
            {"author_name": "Evil", "text": "Ours now"},
        ),
        ("DELETE", f"/v1/bans/{ban}", None),
        ("GET", f"/v1/newsrooms/{newsroom}/comment-settings", None),
        ("PUT", f"/v1/newsrooms/{newsroom}/comment-settings", {"mode": "post"}),
    ]
    for method, url, body in not_found:
        answer = await api.request(method, url, json=body, headers=staff(B))
        assert answer.status_code == 404, f"{method} {url}: {answer.status_code} {answer.text}"
        assert answer.json()["code"] == "not_found"
    assert await snapshot(api, ids) == before
    for listing in ("/v1/moderation/queue", "/v1/moderation/log", "/v1/bans"):
        assert (await ok(api, "GET", listing, headers=staff(B)))["items"] == [], listing

    # Every staff operation that names a resource was tried (new ones must be added above).
    tried = {(method, url) for method, url, _ in not_found}
    staff_operations = set()
    for path, operations in app_of(api).openapi()["paths"].items():
        if path.startswith(PUBLIC) or "{" not in path:
            continue
        for method in operations:
            concrete = path
            for placeholder, value in ids.items():
                concrete = concrete.replace(placeholder, value)
            staff_operations.add((method.upper(), concrete))
    assert len(staff_operations) == 6
    assert staff_operations <= tried, staff_operations - tried
