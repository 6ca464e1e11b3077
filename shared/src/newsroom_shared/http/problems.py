"""RFC 9457 problem details: the body of every error answer of every service.

``{"type", "title", "status", "detail", "instance", "code", "errors"}`` as
``application/problem+json``. ``type`` is a stable URI per kind of problem, derived from
``code`` (``validation_failed`` -> ``https://newsroom.dev/problems/validation-failed``);
``title`` is the same for every occurrence of a kind, ``detail`` explains this occurrence,
``instance`` is the request path. ``code`` (the snake_case code clients already switch on) and
``errors`` (one entry per invalid input) are extension members. The kinds are listed in
``README.md`` next to this module; a test keeps that list true.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus

from fastapi.responses import JSONResponse, Response
from fastapi.utils import is_body_allowed_for_status_code
from pydantic import BaseModel, ConfigDict, Field

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://newsroom.dev/problems/"

# Titles of the kinds the shared code and the services raise. A code missing here still gets a
# stable title: its status's phrase.
TITLES: dict[str, str] = {
    "bad_request": "Bad request",
    "malformed_json": "The request body is not valid JSON",
    "validation_failed": "The request is invalid",
    "invalid_cursor": "The cursor is not one this listing issued",
    "bad_if_match": "If-Match is not a version number",
    "invalid_token": "The token is not valid",
    "unauthorized": "Authentication required",
    "forbidden": "Not allowed",
    "insufficient_scope": "The API key lacks the scope this needs",
    "not_found": "Not found",
    "method_not_allowed": "Method not allowed",
    "conflict": "Conflict with the current state",
    "already_exists": "It already exists",
    "illegal_transition": "Not allowed in the release's current status",
    "not_allowed": "Not allowed in the current state",
    "busy": "Being changed by someone else",
    "gone": "No longer available",
    "token_expired": "The link has expired",
    "version_mismatch": "The resource changed since you read it",
    "body_too_large": "The request body is too large",
    "unsupported_media_type": "The request body is not in a format this takes",
    "unprocessable": "The request cannot be processed",
    "rate_limited": "Too many requests",
    "internal_error": "Internal server error",
}


class FieldError(BaseModel):
    """One invalid input: where it is (``body.title``, ``query.limit``) and what is wrong."""

    location: str = Field(description="`body.title`, `query.limit`, `header.If-Match`, ...")
    message: str
    type: str = Field(
        default="invalid", description="What kind of mistake, e.g. `missing`, `string_too_long`"
    )


class Problem(BaseModel):
    """An error answer (RFC 9457 problem details, ``application/problem+json``)."""

    model_config = ConfigDict(json_schema_extra={"additionalProperties": True})

    type: str = Field(description="A stable URI naming the kind of problem")
    title: str = Field(description="A short summary of the kind; the same for every occurrence")
    status: int = Field(description="The HTTP status code")
    detail: str = Field(description="What went wrong this time, for people")
    instance: str = Field(description="The path of the request that failed")
    code: str = Field(description="A stable machine-readable code, e.g. `not_found`")
    errors: list[FieldError] = Field(
        default_factory=list, description="One entry per invalid input"
    )


def problem_type(code: str) -> str:
    return PROBLEM_TYPE_BASE + code.replace("_", "-")


def title_of(code: str, status: int) -> str:
    return TITLES.get(code) or status_phrase(status)


def status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_response(
    *,
    status: int,
    code: str,
    detail: str,
    instance: str,
    errors: Sequence[FieldError] = (),
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The problem as a response (no body for statuses that allow none, e.g. 304)."""
    if not is_body_allowed_for_status_code(status):
        return Response(status_code=status, headers=headers)
    problem = Problem(
        type=problem_type(code),
        title=title_of(code, status),
        status=status,
        detail=detail,
        instance=instance,
        code=code,
        errors=list(errors),
    )
    return JSONResponse(
        problem.model_dump(mode="json"),
        status_code=status,
        headers=headers,
        media_type=PROBLEM_MEDIA_TYPE,
    )
