"""The mentions API on the real database: filters, paging, triage, hourly counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from listening_fakes.auth import headers, listening_of
from listening_fakes.mentions import a_mention

from listening.domain.comments import KnownComment
from listening.domain.mentions import Mention
from listening.domain.releases import KnownRelease
from newsroom_shared.http.auth import Scope

pytestmark = pytest.mark.connected
A = "tenant-a"
T0 = datetime(2030, 1, 1, 9, tzinfo=UTC)


def mention(n: int, score: float, **changes: Any) -> Mention:
    return a_mention(n, T0 + timedelta(minutes=20 * n), score=score, tenant_id=A, **changes)


@pytest.fixture
async def stored(api: httpx.AsyncClient) -> httpx.AsyncClient:
    rows = [
        mention(0, -0.5),
        mention(1, 0.5, source_kind="comment", release_id="r1"),
        mention(2, -0.9, language="sv", query_ids=("q2",)),
        mention(3, 0.0),
    ]
    async with listening_of(api).uow() as uow:
        for row in rows:
            assert await uow.mentions.add(row)
    return api


async def get(api: httpx.AsyncClient, url: str, status: int = 200, **params: Any) -> Any:
    answer = await api.get(url, params=params, headers=headers(A, Scope.viewer))
    assert answer.status_code == status, answer.text
    return answer.json()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["m003", "m002", "m001", "m000"]),
        ({"sentiment": "negative"}, ["m002", "m000"]),
        ({"source": "comment"}, ["m001"]),
        ({"language": "sv"}, ["m002"]),
        ({"query_id": "q2"}, ["m002"]),
        ({"since": "2030-01-01T09:10:00Z"}, ["m003", "m002", "m001"]),
        ({"until": "2030-01-01T09:40:00+00:00"}, ["m001", "m000"]),
        ({"sentiment": "negative", "language": "en"}, ["m000"]),
        ({"handled": "true"}, []),
    ],
)
async def test_filters(
    stored: httpx.AsyncClient, params: dict[str, str], expected: list[str]
) -> None:
    page = await get(stored, "/v1/mentions", **params)
    assert [m["id"] for m in page["items"]] == expected


@pytest.mark.xfail(
    reason="SecantusDB 0.7.0b3 treats $gte as $gt on a descending field of a compound index "
    "(README: local servers, known differences); MongoDB includes the bound",
    strict=False,
)
async def test_since_includes_its_bound(stored: httpx.AsyncClient) -> None:
    page = await get(stored, "/v1/mentions", since="2030-01-01T09:20:00Z")
    assert [m["id"] for m in page["items"]] == ["m003", "m002", "m001"]


async def test_pages_newest_first(stored: httpx.AsyncClient) -> None:
    first = await get(stored, "/v1/mentions", limit=3)
    rest = await get(stored, "/v1/mentions", limit=3, cursor=first["next_cursor"])
    assert [m["id"] for m in first["items"] + rest["items"]] == ["m003", "m002", "m001", "m000"]
    assert rest["next_cursor"] is None


async def test_triage(stored: httpx.AsyncClient) -> None:
    url = "/v1/mentions/m001"
    editor = headers(A, Scope.editor)
    answer = await stored.patch(url, json={"handled": True, "assignee": "jane"}, headers=editor)
    assert (answer.json()["handled"], answer.json()["assignee"]) == (True, "jane")
    answer = await stored.patch(url, json={"assignee": None}, headers=editor)
    assert (answer.json()["handled"], answer.json()["assignee"]) == (True, None)
    viewer = await stored.patch(url, json={"handled": False}, headers=headers(A, Scope.viewer))
    assert viewer.status_code == 403
    assert [m["id"] for m in (await get(stored, "/v1/mentions", handled="true"))["items"]] == [
        "m001"
    ]


async def test_hourly_counts_per_sentiment(stored: httpx.AsyncClient) -> None:
    counts = await get(stored, "/v1/mention-counts")
    assert counts["items"] == [
        {"hour": "2030-01-01T09:00:00Z", "sentiment": "negative", "count": 2},
        {"hour": "2030-01-01T09:00:00Z", "sentiment": "positive", "count": 1},
        {"hour": "2030-01-01T10:00:00Z", "sentiment": "neutral", "count": 1},
    ]
    only_sv = await get(stored, "/v1/mention-counts", language="sv")
    assert [row["count"] for row in only_sv["items"]] == [1]


@pytest.mark.parametrize(
    "params",
    [
        {"sentiment": "angry"},
        {"source": "twitter"},
        {"since": "yesterday"},
        {"since": "2030-01-01T09:00:00"},  # no time zone
        {"language": "english"},
        {"cursor": "not-a-cursor"},
        {"limit": "0"},
    ],
)
async def test_bad_filters_are_4xx(stored: httpx.AsyncClient, params: dict[str, str]) -> None:
    answer = await stored.get("/v1/mentions", params=params, headers=headers(A))
    assert answer.status_code in (400, 422), answer.text
    assert answer.headers["content-type"] == "application/problem+json"


async def patch(api: httpx.AsyncClient, mention_id: str, body: Any, tenant: str = A) -> Any:
    return await api.patch(
        f"/v1/mentions/{mention_id}", json=body, headers=headers(tenant, Scope.editor)
    )


async def test_a_mention_links_to_what_answered_it(stored: httpx.AsyncClient) -> None:
    async with listening_of(stored).uow() as uow:
        await uow.releases.put(KnownRelease(A, "r1", "https://news.example/r1", "R1"))
        await uow.comments.posted(KnownComment(A, "c7", "r1", "approved"))
        await uow.releases.put(KnownRelease("tenant-b", "rb", "https://news.example/rb", "RB"))

    linked = await patch(stored, "m000", {"answered_by": {"kind": "release", "id": "r1"}})
    assert linked.status_code == 200, linked.text
    assert linked.json()["answered_by"]["kind"] == "release"
    assert linked.json()["answered_by"]["id"] == "r1"
    handled = await patch(stored, "m000", {"handled": True})
    assert handled.json()["answered_by"]["id"] == "r1"  # untouched by other triage
    by_comment = await patch(stored, "m000", {"answered_by": {"kind": "comment", "id": "c7"}})
    assert by_comment.json()["answered_by"]["kind"] == "comment"
    assert (await get(stored, "/v1/mentions/m000"))["answered_by"]["id"] == "c7"
    unlinked = await patch(stored, "m000", {"answered_by": None})
    assert unlinked.json()["answered_by"] is None

    for answer in ({"kind": "release", "id": "rb"}, {"kind": "comment", "id": "nope"}):
        refused = await patch(stored, "m000", {"answered_by": answer})
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["location"] == "body.answered_by.id"
    assert (await get(stored, "/v1/mentions/m000"))["answered_by"] is None


async def test_a_taken_down_comment_leaves_the_inbox(stored: httpx.AsyncClient) -> None:
    async with listening_of(stored).uow() as uow:
        assert await uow.mentions.mark_moderated(A, "k1", "hidden") == 1
    page = await get(stored, "/v1/mentions")
    assert [m["id"] for m in page["items"]] == ["m003", "m002", "m000"]
    down = await get(stored, "/v1/mentions", taken_down="true")
    assert [(m["id"], m["taken_down"]) for m in down["items"]] == [("m001", "hidden")]
    counts = await get(stored, "/v1/mention-counts")
    assert sum(row["count"] for row in counts["items"]) == 3
