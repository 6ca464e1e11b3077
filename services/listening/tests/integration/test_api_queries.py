"""The queries API on the real database: CRUD, parse errors as 422 naming the position, scopes,
and the matcher following every change."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from listening_fakes.auth import headers, listening_of

from listening.domain.text import Document
from newsroom_shared.http.auth import Scope

pytestmark = pytest.mark.connected
A = "tenant-a"


async def call(api: httpx.AsyncClient, method: str, url: str, status: int, **kw: Any) -> Any:
    answer = await api.request(method, url, headers=kw.pop("auth", headers(A)), **kw)
    assert answer.status_code == status, answer.text
    return answer.json() if answer.content else None


async def test_create_read_change_delete(api: httpx.AsyncClient) -> None:
    made = await call(api, "POST", "/v1/queries", 201, json={"name": "Brand", "text": "acme"})
    assert (made["name"], made["text"], made["version"]) == ("Brand", "acme", 1)
    url = f"/v1/queries/{made['id']}"
    assert await call(api, "GET", url, 200) == made
    changed = await call(api, "PATCH", url, 200, json={"text": '"acme corp" OR acme*'})
    assert (changed["text"], changed["version"]) == ('"acme corp" OR acme*', 2)
    listing = await call(api, "GET", "/v1/queries", 200)
    assert [q["id"] for q in listing["items"]] == [made["id"]]
    await call(api, "DELETE", url, 204)
    await call(api, "GET", url, 404)


async def test_a_parse_error_is_422_naming_the_position(api: httpx.AsyncClient) -> None:
    problem = await call(
        api, "POST", "/v1/queries", 422, json={"name": "Bad", "text": "(acme OR coyote"}
    )
    assert problem["code"] == "query_syntax"
    assert "at position 15" in problem["detail"]
    assert problem["errors"] == [
        {
            "location": "body.text",
            "message": "a ( is not closed (at position 15)",
            "type": "query_syntax",
        }
    ]
    made = await call(api, "POST", "/v1/queries", 201, json={"name": "Ok", "text": "acme"})
    problem = await call(
        api, "PATCH", f"/v1/queries/{made['id']}", 422, json={"text": "acme NEAR/3"}
    )
    assert "at position 11" in problem["detail"]


DEFAULTS = {
    "min_ratio": 3.0,
    "end_ratio": 1.5,
    "max_p_value": 1e-4,
    "min_share_rise": 0.25,
    "hour_min_count": 5,
    "day_min_count": 10,
}


async def test_spike_thresholds_default_are_chosen_per_query_and_kept_when_left_out(
    api: httpx.AsyncClient,
) -> None:
    plain = await call(api, "POST", "/v1/queries", 201, json={"name": "Plain", "text": "acme"})
    assert plain["spike_thresholds"] == DEFAULTS
    body = {
        "name": "Own",
        "text": "acme",
        "spike_thresholds": {"min_ratio": 5, "hour_min_count": 20},
    }
    own = await call(api, "POST", "/v1/queries", 201, json=body)
    assert own["spike_thresholds"] == DEFAULTS | {"min_ratio": 5.0, "hour_min_count": 20}
    url = f"/v1/queries/{own['id']}"
    changed = await call(api, "PATCH", url, 200, json={"spike_thresholds": {"end_ratio": 2}})
    assert changed["spike_thresholds"] == own["spike_thresholds"] | {"end_ratio": 2.0}
    renamed = await call(api, "PATCH", url, 200, json={"name": "Own 2"})
    assert renamed["spike_thresholds"] == changed["spike_thresholds"]
    assert (await call(api, "GET", url, 200))["spike_thresholds"] == changed["spike_thresholds"]


@pytest.mark.parametrize(
    ("thresholds", "location"),
    [
        ({"end_ratio": 4}, "body.spike_thresholds.end_ratio"),  # above min_ratio: never closes
        ({"min_ratio": 1.5}, "body.spike_thresholds.min_ratio"),
        ({"max_p_value": 0.5}, "body.spike_thresholds.max_p_value"),
        ({"min_share_rise": 0}, "body.spike_thresholds.min_share_rise"),
        ({"hour_min_count": 0}, "body.spike_thresholds.hour_min_count"),
        ({"day_min_count": "many"}, "body.spike_thresholds.day_min_count"),
        ({"sensitivity": 3}, "body.spike_thresholds.sensitivity"),
    ],
)
async def test_nonsense_thresholds_are_a_422_naming_the_field(
    api: httpx.AsyncClient, thresholds: dict[str, Any], location: str
) -> None:
    body = {"name": "Bad", "text": "acme", "spike_thresholds": thresholds}
    problem = await call(api, "POST", "/v1/queries", 422, json=body)
    assert [error["location"] for error in problem["errors"]] == [location]
    made = await call(api, "POST", "/v1/queries", 201, json={"name": "Ok", "text": "acme"})
    url = f"/v1/queries/{made['id']}"
    await call(api, "PATCH", url, 422, json={"spike_thresholds": thresholds})
    assert (await call(api, "GET", url, 200))["spike_thresholds"] == DEFAULTS


async def test_viewers_read_and_editors_write(api: httpx.AsyncClient) -> None:
    viewer = headers(A, Scope.viewer)
    await call(api, "POST", "/v1/queries", 403, json={"name": "q", "text": "a"}, auth=viewer)
    await call(api, "GET", "/v1/queries", 200, auth=viewer)
    await call(api, "POST", "/v1/queries", 401, json={"name": "q", "text": "a"}, auth={})
    made = await call(
        api,
        "POST",
        "/v1/queries",
        201,
        json={"name": "q", "text": "a"},
        auth=headers(A, Scope.editor),
    )
    await call(api, "DELETE", f"/v1/queries/{made['id']}", 403, auth=viewer)


async def test_a_change_reaches_this_replicas_matcher_at_once(api: httpx.AsyncClient) -> None:
    listening = listening_of(api)
    made = await call(api, "POST", "/v1/queries", 201, json={"name": "q", "text": "roadrunner"})

    def matched(text: str) -> list[str]:
        return [m.query.id for m in listening.index.matcher.match(Document.of(text), A)]

    await _until(lambda: matched("Roadrunner!") == [made["id"]])
    await call(api, "PATCH", f"/v1/queries/{made['id']}", 200, json={"text": "coyote"})
    await _until(lambda: matched("Roadrunner!") == [] and matched("coyote") == [made["id"]])


async def test_another_replica_follows_by_polling_the_version(
    api: httpx.AsyncClient, infra: Any, unique: str
) -> None:
    from listening.service.query_index import QueryIndex

    other_replica = QueryIndex(listening_of(api).reader)
    await other_replica.refresh()
    made = await call(api, "POST", "/v1/queries", 201, json={"name": "q", "text": "anvil"})
    assert await other_replica.refresh() == 1
    assert [m.query.id for m in other_replica.matcher.match(Document.of("anvil"), A)] == [
        made["id"]
    ]
    assert await other_replica.refresh() == 0


async def _until(condition: Any) -> None:
    from newsroom_testing.consumer import eventually

    async def check() -> bool:
        return bool(condition())

    await eventually(check, timeout_s=30)
