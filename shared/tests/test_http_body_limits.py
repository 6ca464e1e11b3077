"""Bodies over the limit answer 413, bodies not sent as JSON 415: both as problems."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from pydantic import BaseModel

from newsroom_shared.http.errors import install_error_handlers

LIMIT = 100


class Note(BaseModel):
    text: str


def make_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app, max_body_bytes=LIMIT)

    @app.post("/notes")
    def create(note: Note) -> Note:
        return note

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def problem_of(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


async def test_a_body_within_the_limit_is_taken(client: httpx.AsyncClient) -> None:
    response = await client.post("/notes", json={"text": "x" * (LIMIT - 20)})
    assert response.status_code == 200


async def test_an_announced_body_over_the_limit_answers_413(client: httpx.AsyncClient) -> None:
    problem = problem_of(await client.post("/notes", json={"text": "x" * LIMIT}), 413)
    assert problem["code"] == "body_too_large"
    assert problem["type"] == "https://newsroom.dev/problems/body-too-large"
    assert str(LIMIT) in problem["detail"]


async def test_a_streamed_body_over_the_limit_answers_413(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"text": "'
        for _ in range(10):
            yield b"x" * 20
        yield b'"}'

    response = await client.post(
        "/notes", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert problem_of(response, 413)["code"] == "body_too_large"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
async def test_a_body_not_sent_as_json_answers_415(
    client: httpx.AsyncClient, content_type: str
) -> None:
    response = await client.post(
        "/notes", content=b'{"text": "hi"}', headers={"content-type": content_type}
    )
    problem = problem_of(response, 415)
    assert problem["code"] == "unsupported_media_type"
    assert "application/json" in problem["detail"]


async def test_json_with_a_suffix_or_parameters_is_json(client: httpx.AsyncClient) -> None:
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = await client.post(
            "/notes", content=b'{"text": "hi"}', headers={"content-type": content_type}
        )
        assert response.status_code == 200, content_type


async def test_invalid_json_sent_as_json_is_still_a_422(client: httpx.AsyncClient) -> None:
    assert problem_of(await client.post("/notes", json={"text": 3}), 422)["code"] == (
        "validation_failed"
    )


def test_the_openapi_declares_413_and_415_for_operations_with_a_body() -> None:
    responses = make_app().openapi()["paths"]["/notes"]["post"]["responses"]
    assert {"413", "415"} <= set(responses)
    assert "application/problem+json" in responses["415"]["content"]


async def test_a_streamed_path_takes_longer_bodies_and_sees_them_whole() -> None:
    app = FastAPI()
    install_error_handlers(app, max_body_bytes=LIMIT, streamed_paths=["/uploads"])

    @app.post("/uploads")
    async def upload(request: Request) -> dict[str, int]:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
        return {"size": size}

    @app.post("/notes")
    def create(note: Note) -> Note:
        return note

    transport = httpx.ASGITransport(app=app, root_path="/api/media")
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        answer = await client.post("/api/media/uploads", content=b"x" * (LIMIT * 10))
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"size": LIMIT * 10}
        # Other paths keep the limit.
        problem_of(await client.post("/api/media/notes", json={"text": "x" * LIMIT}), 413)


async def test_a_streamed_prefix_takes_longer_bodies_on_every_path_below_it() -> None:
    app = FastAPI()
    install_error_handlers(app, max_body_bytes=LIMIT, streamed_paths=["/uploads/*"])

    @app.patch("/uploads/{upload_id}")
    async def append(upload_id: str, request: Request) -> dict[str, int]:
        return {"size": sum([len(chunk) async for chunk in request.stream()])}

    @app.patch("/uploadsX/{upload_id}")
    async def beside(upload_id: str, request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        answer = await client.patch("/uploads/u1", content=b"x" * (LIMIT * 3))
        assert answer.json() == {"size": LIMIT * 3}
        problem_of(await client.patch("/uploadsX/u1", content=b"x" * (LIMIT * 3)), 413)
