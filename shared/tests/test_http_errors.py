"""Every error answer of a service has the one shared body, and the OpenAPI says so."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, Field

from newsroom_shared.http.errors import (
    MAX_FIELD_ERRORS,
    Conflict,
    ErrorBody,
    FieldError,
    NotFound,
    TooManyRequests,
    error_responses,
    install_error_handlers,
)


class NewRelease(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    priority: int = 0


class Batch(BaseModel):
    releases: list[NewRelease]


def make_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/releases", responses=error_responses(409))
    def create(release: NewRelease) -> NewRelease:
        if release.title == "taken":
            raise Conflict("A release with this title exists", code="duplicate_title")
        return release

    @app.post("/batches")
    def create_batch(batch: Batch) -> int:
        return len(batch.releases)

    @app.get("/releases/{release_id}", responses=error_responses(404))
    def read(release_id: int) -> dict[str, int]:
        raise NotFound(f"No release {release_id}", code="release_not_found")

    @app.get("/busy")
    def busy() -> None:
        raise TooManyRequests(retry_after=7)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail")

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    # raise_app_exceptions=False: see the 500 answer, not the exception Starlette re-raises.
    transport = httpx.ASGITransport(app=make_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def error_of(response_json: object) -> dict[str, object]:
    body = ErrorBody.model_validate(response_json)  # the shared shape, exactly
    return body.error.model_dump()


async def test_api_error_answers_its_status_code_and_message(client: httpx.AsyncClient) -> None:
    response = await client.get("/releases/42")
    assert response.status_code == 404
    assert error_of(response.json()) == {
        "code": "release_not_found",
        "message": "No release 42",
        "details": [],
    }


async def test_conflict_and_success_through_the_same_route(client: httpx.AsyncClient) -> None:
    assert (await client.post("/releases", json={"title": "fresh"})).status_code == 200
    response = await client.post("/releases", json={"title": "taken"})
    assert response.status_code == 409
    assert error_of(response.json())["code"] == "duplicate_title"


async def test_too_many_requests_carries_retry_after(client: httpx.AsyncClient) -> None:
    response = await client.get("/busy")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert error_of(response.json())["code"] == "rate_limited"


async def test_validation_error_lists_one_field_error_per_problem(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/releases", json={"title": "", "priority": "high"})
    assert response.status_code == 422
    error = error_of(response.json())
    assert error["code"] == "validation_failed"
    details = error["details"]
    assert isinstance(details, list)
    assert {d["location"] for d in details} == {"body.title", "body.priority"}
    messages = {d["location"]: d["message"] for d in details}
    assert "at least 1 character" in messages["body.title"]
    assert "integer" in messages["body.priority"]


async def test_validation_error_on_path_parameter(client: httpx.AsyncClient) -> None:
    response = await client.get("/releases/abc")
    assert response.status_code == 422
    assert error_of(response.json())["details"] == [
        {
            "location": "path.release_id",
            "message": "Input should be a valid integer, unable to parse string as an integer",
        }
    ]


async def test_validation_error_never_echoes_the_input(client: httpx.AsyncClient) -> None:
    huge = "x" * 100_000
    response = await client.post("/releases", json={"title": huge})
    assert response.status_code == 422
    assert huge[:1000] not in response.text
    assert len(response.content) < 2_000


async def test_validation_error_details_are_bounded(client: httpx.AsyncClient) -> None:
    many = {"releases": [{"priority": "nope"} for _ in range(100)]}
    response = await client.post("/batches", json=many)
    assert response.status_code == 422
    details = error_of(response.json())["details"]
    assert isinstance(details, list)
    assert len(details) == MAX_FIELD_ERRORS + 1
    assert details[-1]["message"] == f"... and {200 - MAX_FIELD_ERRORS} more errors"


async def test_missing_body_is_a_validation_error(client: httpx.AsyncClient) -> None:
    response = await client.post("/releases")
    assert response.status_code == 422
    assert error_of(response.json())["details"] == [
        {"location": "body", "message": "Field required"}
    ]


async def test_malformed_json_answers_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/releases",
        content=b'{"title": "SECRET-INPUT',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    error = error_of(response.json())
    assert error["code"] == "malformed_json"
    details = error["details"]
    assert isinstance(details, list)
    assert details[0]["location"] == "body"
    assert "SECRET-INPUT" not in response.text


async def test_unknown_route_answers_404_in_the_shared_shape(client: httpx.AsyncClient) -> None:
    response = await client.get("/nowhere")
    assert response.status_code == 404
    assert error_of(response.json()) == {"code": "not_found", "message": "Not Found", "details": []}


async def test_wrong_method_answers_405_with_allow_header(client: httpx.AsyncClient) -> None:
    response = await client.delete("/releases")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert error_of(response.json())["code"] == "method_not_allowed"


async def test_unexpected_exception_answers_500_and_logs_the_traceback(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="newsroom_shared.http.errors"):
        response = await client.get("/boom")
    assert response.status_code == 500
    assert error_of(response.json()) == {
        "code": "internal_error",
        "message": "Internal server error",
        "details": [],
    }
    assert "secret internal detail" not in response.text
    [record] = [r for r in caplog.records if r.name == "newsroom_shared.http.errors"]
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)
    assert "GET /boom" in record.getMessage()


def test_field_error_model_is_the_documented_detail() -> None:
    assert FieldError(location="body.title", message="x").model_dump() == {
        "location": "body.title",
        "message": "x",
    }


def test_openapi_documents_the_error_body_for_listed_and_validation_statuses() -> None:
    schema = make_app().openapi()
    error_ref = {"$ref": "#/components/schemas/ErrorBody"}

    def response_schema(path: str, method: str, status: str) -> object:
        response = schema["paths"][path][method]["responses"][status]
        return response["content"]["application/json"]["schema"]

    assert response_schema("/releases", "post", "409") == error_ref
    assert response_schema("/releases", "post", "422") == error_ref
    assert response_schema("/releases/{release_id}", "get", "404") == error_ref
    assert response_schema("/releases/{release_id}", "get", "422") == error_ref
    components = schema["components"]["schemas"]
    assert {"ErrorBody", "ErrorDetail", "FieldError"} <= components.keys()
    assert "HTTPValidationError" not in components
    assert "ValidationError" not in components
