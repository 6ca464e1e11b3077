"""Cursors round-trip what repositories need and turn anything else into a 400."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from newsroom_shared.http.errors import BadRequest, install_error_handlers
from newsroom_shared.http.pagination import (
    Cursor,
    Limit,
    Page,
    decode_cursor,
    encode_cursor,
    page_of,
)


def test_cursor_round_trips_scalars_and_datetimes() -> None:
    values: dict[str, Any] = {
        "created_at": datetime(2026, 11, 26, 12, 0, 1, 123456, tzinfo=UTC),
        "local": datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))),
        "id": "rel_01",
        "n": 7,
        "score": 0.5,
        "flag": True,
        "nothing": None,
    }
    cursor = encode_cursor(values)
    decoded = decode_cursor(cursor)
    assert decoded == values
    assert decoded["local"].utcoffset() == timedelta(hours=2)


def test_cursor_is_url_safe() -> None:
    cursor = encode_cursor({"id": "???>>>~~~" * 10})
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not base64 !",
        "%%%%",
        _b64(b"\xff\xfe not utf-8"),
        _b64(b"not json"),
        _b64(b"[1, 2]"),
        _b64(b'"a string"'),
        _b64(b'{"id": {"$ne": null}}'),  # a query operator must never get through
        _b64(b'{"ids": ["a", "b"]}'),
        _b64(b'{"at": {"$datetime": "yesterday"}}'),
        _b64(b'{"at": {"$datetime": 5}}'),
        _b64(json.dumps({"id": "x" * 2000}).encode()),
    ],
)
def test_garbage_cursor_is_a_bad_request(cursor: str) -> None:
    with pytest.raises(BadRequest) as raised:
        decode_cursor(cursor)
    assert raised.value.status == 400
    assert raised.value.message == "invalid cursor"


def test_cursor_missing_a_required_key_is_a_bad_request() -> None:
    cursor = encode_cursor({"id": "a"})
    assert decode_cursor(cursor, required_keys={"id"}) == {"id": "a"}
    with pytest.raises(BadRequest):
        decode_cursor(cursor, required_keys={"id", "created_at"})


def test_cursor_refuses_to_encode_non_scalars() -> None:
    with pytest.raises(TypeError):
        encode_cursor({"ids": ["a", "b"]})


def test_page_of_fetched_rows_sets_next_cursor_only_when_more_exist() -> None:
    rows = [{"id": i} for i in range(4)]
    page = page_of(rows, 3, lambda row: {"after": row["id"]})
    assert page.items == rows[:3]
    assert page.next_cursor is not None
    assert decode_cursor(page.next_cursor) == {"after": 2}
    last = page_of(rows[:3], 3, lambda row: {"after": row["id"]})
    assert last.items == rows[:3]
    assert last.next_cursor is None


def make_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    numbers = list(range(250))

    @app.get("/numbers")
    def list_numbers(limit: Limit, cursor: Cursor) -> Page[int]:
        start = decode_cursor(cursor, required_keys={"after"})["after"] + 1 if cursor else 0
        return page_of(numbers[start : start + limit + 1], limit, lambda n: {"after": n})

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_pages_walk_a_listing_to_its_end(client: httpx.AsyncClient) -> None:
    seen: list[int] = []
    params: dict[str, Any] = {"limit": 100}
    while True:
        response = await client.get("/numbers", params=params)
        assert response.status_code == 200
        page = response.json()
        seen += page["items"]
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert seen == list(range(250))


async def test_limit_defaults_to_20(client: httpx.AsyncClient) -> None:
    page = (await client.get("/numbers")).json()
    assert page["items"] == list(range(20))


@pytest.mark.parametrize("limit", ["0", "101", "ten"])
async def test_limit_out_of_range_is_a_validation_error(
    client: httpx.AsyncClient, limit: str
) -> None:
    response = await client.get("/numbers", params={"limit": limit})
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "query.limit"


async def test_garbage_cursor_answers_400_over_http(client: httpx.AsyncClient) -> None:
    response = await client.get("/numbers", params={"cursor": "garbage!"})
    assert response.status_code == 400
    assert response.json() == {
        "type": "https://newsroom.dev/problems/invalid-cursor",
        "title": "The cursor is not one this listing issued",
        "status": 400,
        "detail": "invalid cursor",
        "instance": "/numbers",
        "code": "invalid_cursor",
        "errors": [],
    }


def test_openapi_shows_limit_bounds_and_page_shape() -> None:
    schema = make_app().openapi()
    parameters = {p["name"]: p for p in schema["paths"]["/numbers"]["get"]["parameters"]}
    assert parameters["limit"]["schema"]["minimum"] == 1
    assert parameters["limit"]["schema"]["maximum"] == 100
    assert parameters["limit"]["schema"]["default"] == 20
    assert parameters["cursor"]["required"] is False
