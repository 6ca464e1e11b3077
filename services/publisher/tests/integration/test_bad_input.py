"""Bad requests answer 4xx in the shared error body, and change nothing."""

from datetime import timedelta

import pytest

from .conftest import OPERATOR_TOKEN

pytestmark = pytest.mark.connected


def error_of(answer, status: int) -> dict:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert {"type", "title", "status", "detail", "instance", "code", "errors"} == set(body)
    assert body["status"] == status
    return body


@pytest.fixture
async def acme(client, unique):
    tenant = await client.new_tenant()
    tenant.room = await tenant.newsroom(f"acme-{unique}")
    return tenant


async def test_invalid_bodies_name_the_field(acme) -> None:
    base = {"newsroom_id": acme.room["id"], "title": "t"}
    cases = [
        ({**base, "title": ""}, "body.title"),
        ({**base, "title": "x" * 201}, "body.title"),
        ({**base, "lead": "x" * 1001}, "body.lead"),
        ({**base, "tags": ["t"] * 21}, "body.tags"),
        ({**base, "language": "not a language"}, "body.language"),
        ({**base, "unknown": 1}, "body.unknown"),
        ({"title": "t"}, "body.newsroom_id"),
        ({**base, "media_ids": ["a"], "social_card_media_id": "b"}, "body.social_card_media_id"),
    ]
    for body, location in cases:
        error = error_of(await acme.request("POST", "/v1/releases", json=body), 422)
        assert location in {d["location"] for d in error["errors"]}, (body, error)
    big = "é" * (100 * 1024 + 1)  # under the character limit, over 200 KB of UTF-8
    body = {**base, "body": big}
    error = error_of(await acme.request("POST", "/v1/releases", json=body), 422)
    assert "at most 204800 bytes" in error["detail"]
    malformed = await acme.request(
        "POST", "/v1/releases", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert error_of(malformed, 400)["code"] == "malformed_json"
    assert (await acme.ok("GET", "/v1/releases"))["items"] == []


async def test_unknown_and_malformed_ids_are_404(acme) -> None:
    for url in [
        "/v1/releases/000000000000000000000000",
        "/v1/releases/not-an-object-id",
        "/v1/releases/%00%24ne",
        "/v1/newsrooms/nope",
        "/v1/api-keys/nope",
        "/v1/releases/nope/versions",
        "/v1/public/newsrooms/nope",
        "/v1/public/newsrooms/nope/releases",
        "/v1/public/preview/forged.token",
    ]:
        assert error_of(await acme.request("GET", url), 404)["code"] == "not_found", url
    answer = await acme.request("POST", "/v1/releases/nope/publish")
    assert error_of(answer, 404)["detail"] == "release 'nope' not found"
    release = await acme.release(acme.room["id"])
    assert error_of(await acme.request("GET", f"/v1/releases/{release['id']}/versions/9"), 404)
    assert error_of(await acme.request("GET", f"/v1/releases/{release['id']}/versions/0"), 422)


async def test_illegal_transitions_say_what_is_allowed(acme) -> None:
    release = await acme.release(acme.room["id"])
    answer = await acme.request("POST", f"/v1/releases/{release['id']}/unschedule")
    error = error_of(answer, 409)
    assert error["code"] == "illegal_transition"
    assert error["detail"] == (
        "cannot unschedule a release in status 'draft'; "
        "allowed actions: edit, delete, submit, schedule, publish, embargo"
    )
    strict = await acme.newsroom(f"{acme.room['slug']}-strict", requires_approval=True)
    gated = await acme.release(strict["id"])
    assert gated["allowed_actions"] == ["edit", "delete", "submit"]
    error = error_of(await acme.request("POST", f"/v1/releases/{gated['id']}/publish"), 409)
    assert "requires approval" in error["detail"]
    assert (await acme.ok("GET", f"/v1/releases/{gated['id']}"))["status"] == "draft"


async def test_times_must_be_in_the_future_and_zoned(acme, clock) -> None:
    release = await acme.release(acme.room["id"])
    url = f"/v1/releases/{release['id']}"
    past = (clock.now() - timedelta(minutes=1)).isoformat()
    error = error_of(await acme.request("POST", f"{url}/schedule", json={"publish_at": past}), 422)
    assert "publish_at: must be in the future" in error["detail"]
    error = error_of(
        await acme.request("POST", f"{url}/publish", json={"embargo_until": past}), 422
    )
    assert "embargo_until: must be in the future" in error["detail"]
    naive = {"publish_at": "2031-01-01T09:00:00"}
    assert error_of(await acme.request("POST", f"{url}/schedule", json=naive), 422)
    far = {"publish_at": "9999-12-31T23:59:59-14:00"}
    assert error_of(await acme.request("POST", f"{url}/schedule", json=far), 422)
    assert (await acme.ok("GET", url))["version"] == 1


async def test_if_match_mismatch_is_412_and_changes_nothing(acme) -> None:
    release = await acme.release(acme.room["id"])
    url = f"/v1/releases/{release['id']}"
    answer = await acme.request("PATCH", url, json={"lead": "x"}, headers={"If-Match": '"7"'})
    assert error_of(answer, 412)["code"] == "version_mismatch"
    answer = await acme.request("PATCH", url, json={"lead": "x"}, headers={"If-Match": "banana"})
    assert error_of(answer, 400)["code"] == "bad_if_match"
    assert (await acme.ok("GET", url))["lead"] == ""
    changed = await acme.request("PATCH", url, json={"lead": "x"}, headers={"If-Match": '"1"'})
    assert changed.status_code == 200
    assert changed.headers["ETag"] == '"2"'


async def test_bad_cursors_are_400(acme) -> None:
    for url in [
        "/v1/releases?cursor=not-base64!",
        "/v1/releases?cursor=e30",  # {} lacks the key
        "/v1/releases?cursor=eyJpZCI6NX0",  # {"id":5}: wrong type
        "/v1/newsrooms?cursor=eyJ2IjoxfQ",  # another listing's cursor
        f"/v1/public/newsrooms/{acme.room['slug']}/releases?cursor=eyJpZCI6ImEifQ",
    ]:
        assert error_of(await acme.request("GET", url), 400)["code"] == "invalid_cursor", url
    assert error_of(await acme.request("GET", "/v1/releases?limit=0"), 422)
    assert error_of(await acme.request("GET", "/v1/releases?status=nope"), 422)


async def test_bad_auth(client, acme) -> None:
    http = client.http
    assert error_of(await http.get("/v1/releases"), 401)["code"] == "unauthorized"
    for token in ["garbage", acme.token[:-2] + "xx", "nrk_" + "0" * 24 + "_" + "a" * 43]:
        answer = await http.get("/v1/releases", headers={"Authorization": f"Bearer {token}"})
        assert error_of(answer, 401)["code"] == "invalid_token"
        assert answer.headers["WWW-Authenticate"] == "Bearer"

    viewer = await acme.ok("POST", "/v1/api-keys", 201, json={"name": "v", "scopes": ["viewer"]})
    editor = await acme.ok("POST", "/v1/api-keys", 201, json={"name": "e", "scopes": ["editor"]})
    as_viewer, as_editor = acme.as_key(viewer["token"]), acme.as_key(editor["token"])
    assert (await as_viewer.request("GET", "/v1/releases")).status_code == 200
    body = {"newsroom_id": acme.room["id"], "title": "t"}
    error = error_of(await as_viewer.request("POST", "/v1/releases", json=body), 403)
    assert error["code"] == "insufficient_scope"
    release = await as_editor.release(acme.room["id"])
    await as_editor.ok("POST", f"/v1/releases/{release['id']}/submit")
    assert error_of(await as_editor.request("POST", f"/v1/releases/{release['id']}/approve"), 403)
    assert error_of(await as_editor.request("GET", "/v1/api-keys"), 403)

    await acme.ok("POST", f"/v1/api-keys/{editor['id']}/revoke")
    assert error_of(await as_editor.request("GET", "/v1/releases"), 401)
    # Revoked, not deleted: the key's record stays readable.
    assert (await acme.ok("GET", f"/v1/api-keys/{editor['id']}"))["revoked_at"] is not None
    error = error_of(
        await acme.request("POST", f"/v1/api-keys/{acme.token.split('_')[1]}/revoke"), 409
    )
    assert "last active admin key" in error["detail"]


async def test_tenant_creation_needs_the_operator_token(client, settings) -> None:
    answer = await client.http.post(
        "/v1/tenants", json={"name": "X"}, headers={"Authorization": "Bearer wrong"}
    )
    assert error_of(answer, 401)
    assert error_of(await client.http.post("/v1/tenants", json={"name": "X"}), 401)
    ok = await client.http.post(
        "/v1/tenants", json={"name": "X"}, headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    )
    assert ok.status_code == 201
    assert ok.json()["api_key"]["scopes"] == ["admin"]


async def test_tenant_creation_is_off_without_an_operator_token(settings, clock, drop_database):
    from .conftest import running

    async with running(settings.model_copy(update={"platform_token": None}), clock) as client:
        answer = await client.http.post(
            "/v1/tenants", json={"name": "X"}, headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"}
        )
        assert "disabled" in error_of(answer, 403)["detail"]
