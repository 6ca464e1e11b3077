"""Tenant B's key on tenant A's resources: 404 everywhere, and A's data stays as it was."""

from datetime import timedelta

import pytest

pytestmark = pytest.mark.connected


async def snapshot(tenant, room_id: str, release_ids: list[str]) -> dict:
    """Everything A can see about its own data (compared before and after B's attempts)."""
    state = {
        "newsroom": await tenant.ok("GET", f"/v1/newsrooms/{room_id}"),
        "newsrooms": await tenant.ok("GET", "/v1/newsrooms"),
        "releases": await tenant.ok("GET", "/v1/releases"),
        "keys": await tenant.ok("GET", "/v1/api-keys"),
    }
    for release_id in release_ids:
        state[release_id] = await tenant.ok("GET", f"/v1/releases/{release_id}")
        state[f"{release_id}/versions"] = await tenant.ok(
            "GET", f"/v1/releases/{release_id}/versions"
        )
    return state


async def test_another_tenant_gets_404_on_every_staff_endpoint(client, clock, unique) -> None:
    a = await client.new_tenant("A")
    b = await client.new_tenant("B")
    room = await a.newsroom(f"a-{unique}")
    draft = await a.release(room["id"], title="Draft")
    review = await a.release(room["id"], title="In review")
    await a.ok("POST", f"/v1/releases/{review['id']}/submit")
    scheduled = await a.release(room["id"], title="Scheduled")
    later = (clock.now() + timedelta(days=1)).isoformat()
    await a.ok("POST", f"/v1/releases/{scheduled['id']}/schedule", json={"publish_at": later})
    embargoed = await a.release(room["id"], title="Embargoed")
    await a.ok("POST", f"/v1/releases/{embargoed['id']}/publish", json={"embargo_until": later})
    published = await a.release(room["id"], title="Published")
    await a.ok("POST", f"/v1/releases/{published['id']}/publish")
    key = await a.ok("POST", "/v1/api-keys", 201, json={"name": "editor", "scopes": ["editor"]})
    ids = [draft["id"], review["id"], scheduled["id"], embargoed["id"], published["id"]]
    before = await snapshot(a, room["id"], ids)

    attempts = [
        ("GET", f"/v1/newsrooms/{room['id']}", None),
        ("PATCH", f"/v1/newsrooms/{room['id']}", {"name": "Taken over"}),
        ("POST", "/v1/releases", {"newsroom_id": room["id"], "title": "Intruder"}),
        ("GET", f"/v1/releases/{published['id']}", None),
        ("PATCH", f"/v1/releases/{published['id']}", {"title": "Defaced"}),
        ("PATCH", f"/v1/releases/{draft['id']}", {"title": "Defaced"}),
        ("DELETE", f"/v1/releases/{draft['id']}", None),
        ("GET", f"/v1/releases/{published['id']}/versions", None),
        ("GET", f"/v1/releases/{published['id']}/versions/1", None),
        ("POST", f"/v1/releases/{draft['id']}/submit", None),
        ("POST", f"/v1/releases/{review['id']}/approve", None),
        ("POST", f"/v1/releases/{review['id']}/reject", {"comment": "no"}),
        ("POST", f"/v1/releases/{draft['id']}/schedule", {"publish_at": later}),
        ("POST", f"/v1/releases/{scheduled['id']}/unschedule", None),
        ("POST", f"/v1/releases/{draft['id']}/publish", None),
        ("POST", f"/v1/releases/{draft['id']}/publish", {"embargo_until": later}),
        ("POST", f"/v1/releases/{published['id']}/withdraw", {"reason": "x"}),
        ("POST", f"/v1/releases/{embargoed['id']}/preview-links", None),
        ("GET", f"/v1/releases/{published['id']}/translations", None),
        ("POST", f"/v1/releases/{published['id']}/translations", {"release_id": draft["id"]}),
        ("DELETE", f"/v1/releases/{published['id']}/translations", None),
        ("GET", f"/v1/api-keys/{key['id']}", None),
        ("POST", f"/v1/api-keys/{key['id']}/revoke", None),
    ]
    for method, url, body in attempts:
        answer = await b.request(method, url, json=body)
        assert answer.status_code == 404, f"{method} {url}: {answer.status_code} {answer.text}"
        assert answer.json()["code"] == "not_found"

    assert await snapshot(a, room["id"], ids) == before
    # Listings never show A's data to B (not even when B filters by A's newsroom).
    assert (await b.ok("GET", "/v1/newsrooms"))["items"] == []
    assert (await b.ok("GET", "/v1/releases"))["items"] == []
    assert (await b.ok("GET", f"/v1/releases?newsroom_id={room['id']}"))["items"] == []
    assert key["id"] not in {k["id"] for k in (await b.ok("GET", "/v1/api-keys"))["items"]}
    assert (await b.ok("GET", "/v1/tenant"))["id"] == b.id

    # Every staff operation that names a resource was attempted above (new ones must be added).
    # From OpenAPI: FastAPI 0.165 keeps included routers nested, so app.routes is not flat.
    tried = {(method, _template(url)) for method, url, _ in attempts}
    staff_operations = {
        (method.upper(), path)
        for path, operations in client.app.openapi()["paths"].items()
        if "{" in path and not path.startswith("/v1/public")
        for method in operations
    }
    assert len(staff_operations) == 20
    assert staff_operations <= tried, staff_operations - tried


def _template(url: str) -> str:
    """/v1/releases/<id>/versions/1 -> /v1/releases/{release_id}/versions/{version}"""
    parts = url.split("?")[0].split("/")
    names = {"newsrooms": "newsroom_id", "releases": "release_id", "api-keys": "key_id"}
    for i in range(1, len(parts)):
        if parts[i - 1] in names and i == 3:
            parts[i] = "{" + names[parts[i - 1]] + "}"
        if parts[i - 1] == "versions":
            parts[i] = "{version}"
    return "/".join(parts)
