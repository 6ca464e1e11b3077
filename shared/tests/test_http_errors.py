"""Every error answer of a service is an RFC 9457 problem, and the OpenAPI declares them."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI
from pydantic import BaseModel, Field

from newsroom_shared.http.errors import (
    MAX_FIELD_ERRORS,
    Conflict,
    NotFound,
    TooManyRequests,
    error_responses,
    install_error_handlers,
    invalid_input,
)
from newsroom_shared.http.openapi_problems import raises
from newsroom_shared.http.problems import TITLES, FieldError, Problem


class NewRelease(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    priority: int = 0


class Batch(BaseModel):
    releases: list[NewRelease]


@raises(401)
def needs_key() -> None:
    """A dependency that can answer 401 (never does here)."""


def needs_key_indirectly(_: Annotated[None, Depends(needs_key)]) -> None:
    """Depends on ``needs_key``: its routes declare 401 too."""


def make_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/releases", responses=error_responses(409))
    def create(release: NewRelease) -> NewRelease:
        if release.title == "taken":
            raise Conflict("A release with this title exists", code="duplicate_title")
        if release.title == "rule":
            raise invalid_input("body.title", "breaks a rule")
        return release

    @app.post("/batches")
    def create_batch(batch: Batch) -> int:
        return len(batch.releases)

    @app.get("/releases/{release_id}")
    def read(release_id: int) -> dict[str, int]:
        raise NotFound(f"No release {release_id}", code="release_not_found")

    @app.patch("/releases/{release_id}")
    def change(release_id: int) -> dict[str, int]:
        return {"id": release_id}

    @app.get("/busy")
    def busy() -> None:
        raise TooManyRequests(retry_after=7)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail")

    # Included after the handlers are installed, as services include theirs.
    router = APIRouter(dependencies=[Depends(needs_key_indirectly)])

    @router.get("/keys")
    def keys() -> list[str]:
        return []

    app.include_router(router)
    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    # raise_app_exceptions=False: see the 500 answer, not the exception Starlette re-raises.
    transport = httpx.ASGITransport(app=make_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def problem_of(response: httpx.Response) -> dict[str, Any]:
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    Problem.model_validate(body)  # the shared shape
    assert body["status"] == response.status_code
    return body


async def test_api_error_answers_a_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/releases/42")
    assert response.status_code == 404
    assert problem_of(response) == {
        "type": "https://newsroom.dev/problems/release-not-found",
        "title": "Not Found",
        "status": 404,
        "detail": "No release 42",
        "instance": "/releases/42",
        "code": "release_not_found",
        "errors": [],
    }


async def test_a_known_kind_has_its_own_title(client: httpx.AsyncClient) -> None:
    response = await client.post("/releases", json={"title": "taken"})
    assert response.status_code == 409
    problem = problem_of(response)
    assert problem["code"] == "duplicate_title"
    assert problem["title"] == "Conflict"  # not in TITLES: the status phrase
    assert (await client.post("/releases", json={"title": "fresh"})).status_code == 200


async def test_too_many_requests_carries_retry_after(client: httpx.AsyncClient) -> None:
    response = await client.get("/busy")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert problem_of(response)["code"] == "rate_limited"


async def test_validation_error_lists_one_field_error_per_problem(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/releases", json={"title": "", "priority": "high"})
    assert response.status_code == 422
    problem = problem_of(response)
    assert problem["code"] == "validation_failed"
    assert problem["type"] == "https://newsroom.dev/problems/validation-failed"
    errors = {e["location"]: e for e in problem["errors"]}
    assert errors.keys() == {"body.title", "body.priority"}
    assert "at least 1 character" in errors["body.title"]["message"]
    assert errors["body.title"]["type"] == "string_too_short"
    assert "integer" in errors["body.priority"]["message"]


async def test_a_service_rule_answers_the_same_code_as_the_schema(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/releases", json={"title": "rule"})
    assert response.status_code == 422
    problem = problem_of(response)
    assert problem["code"] == "validation_failed"
    assert problem["errors"] == [
        {"location": "body.title", "message": "breaks a rule", "type": "invalid"}
    ]


async def test_validation_error_on_path_parameter(client: httpx.AsyncClient) -> None:
    response = await client.get("/releases/abc")
    assert response.status_code == 422
    assert problem_of(response)["errors"] == [
        {
            "location": "path.release_id",
            "message": "Input should be a valid integer, unable to parse string as an integer",
            "type": "int_parsing",
        }
    ]


async def test_validation_error_never_echoes_the_input(client: httpx.AsyncClient) -> None:
    huge = "x" * 100_000
    response = await client.post("/releases", json={"title": huge})
    assert response.status_code == 422
    assert huge[:1000] not in response.text
    assert len(response.content) < 2_000


async def test_validation_errors_are_bounded(client: httpx.AsyncClient) -> None:
    many = {"releases": [{"priority": "nope"} for _ in range(100)]}
    response = await client.post("/batches", json=many)
    assert response.status_code == 422
    errors = problem_of(response)["errors"]
    assert len(errors) == MAX_FIELD_ERRORS + 1
    assert errors[-1]["message"] == f"... and {200 - MAX_FIELD_ERRORS} more errors"


async def test_missing_body_is_a_validation_error(client: httpx.AsyncClient) -> None:
    response = await client.post("/releases")
    assert response.status_code == 422
    assert problem_of(response)["errors"] == [
        {"location": "body", "message": "Field required", "type": "missing"}
    ]


async def test_malformed_json_answers_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/releases",
        content=b'{"title": "SECRET-INPUT',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    problem = problem_of(response)
    assert problem["code"] == "malformed_json"
    assert problem["errors"][0]["location"] == "body"
    assert "SECRET-INPUT" not in response.text


async def test_unknown_route_answers_a_404_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/nowhere")
    assert response.status_code == 404
    problem = problem_of(response)
    assert (problem["code"], problem["instance"]) == ("not_found", "/nowhere")


async def test_wrong_method_answers_405_allowing_every_method_of_the_path(
    client: httpx.AsyncClient,
) -> None:
    response = await client.delete("/releases/7")
    assert response.status_code == 405
    # GET and PATCH are two routes; Starlette alone would name only the first.
    assert response.headers["allow"] == "GET, PATCH"
    assert problem_of(response)["code"] == "method_not_allowed"
    assert (await client.delete("/releases")).headers["allow"] == "POST"


async def test_unexpected_exception_answers_500_and_logs_the_traceback(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="newsroom_shared.http.errors"):
        response = await client.get("/boom")
    assert response.status_code == 500
    problem = problem_of(response)
    assert (problem["code"], problem["detail"]) == ("internal_error", "Internal server error")
    assert "secret internal detail" not in response.text
    [record] = [r for r in caplog.records if r.name == "newsroom_shared.http.errors"]
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)
    assert "GET /boom" in record.getMessage()


def test_field_error_model_is_the_documented_entry() -> None:
    assert FieldError(location="body.title", message="x").model_dump() == {
        "location": "body.title",
        "message": "x",
        "type": "invalid",
    }


def declared(schema: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    responses: dict[str, Any] = schema["paths"][path][method]["responses"]
    return {status: r for status, r in responses.items() if int(status) >= 400}


def test_openapi_declares_each_operation_s_errors_derived_from_the_route() -> None:
    schema = make_app().openapi()
    body = {"400", "409", "413", "415", "422"}  # the body's four; 409 listed on the route
    assert declared(schema, "/releases", "post").keys() == body
    assert declared(schema, "/releases/{release_id}", "get").keys() == {"404", "422"}  # path
    assert declared(schema, "/keys", "get").keys() == {"401"}  # a dependency's dependency
    assert declared(schema, "/busy", "get") == {}
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for status, response in declared(schema, "/releases", "post").items():
        assert response["content"] == problem, status
    assert "WWW-Authenticate" in declared(schema, "/keys", "get")["401"]["headers"]
    components = schema["components"]["schemas"]
    assert {"Problem", "FieldError"} <= components.keys()
    assert "HTTPValidationError" not in components
    assert "ValidationError" not in components


def test_every_titled_kind_is_listed_in_the_readme() -> None:
    from pathlib import Path

    import newsroom_shared.http

    readme = (Path(newsroom_shared.http.__file__).parent / "README.md").read_text()
    missing = [code for code in TITLES if f"`{code}`" not in readme]
    assert not missing, f"add these problem kinds to newsroom_shared/http/README.md: {missing}"
