"""One error body for every 4xx and 5xx answer of every service.

Every error is ``{"error": {"code": ..., "message": ..., "details": [...]}}``: ``code`` is a
stable snake_case string clients can branch on, ``message`` is for humans, ``details`` lists
one :class:`FieldError` per invalid input. Services raise :class:`ApiError` subclasses;
:func:`install_error_handlers` turns those, FastAPI's validation errors, Starlette's HTTP
errors (unknown route, wrong method) and anything unexpected into that body, and makes the
OpenAPI schema say so.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.utils import is_body_allowed_for_status_code
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger(__name__)

# Bounds on what a validation error answer repeats back: a hostile or broken client must not
# make us build a huge response (messages can quote constraint values, never the input).
MAX_FIELD_ERRORS = 20
MAX_MESSAGE_CHARS = 200


class FieldError(BaseModel):
    """One invalid input: where it is (``body.title``, ``query.limit``) and what is wrong."""

    location: str
    message: str


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. `not_found`")
    message: str = Field(description="Human-readable explanation")
    details: list[FieldError] = Field(default_factory=list)


class ErrorBody(BaseModel):
    """The body of every error answer."""

    error: ErrorDetail


class ApiError(Exception):
    """An error a handler raises on purpose; subclasses fix the status and default code."""

    status: ClassVar[int] = 500
    default_code: ClassVar[str] = "internal_error"
    default_message: ClassVar[str] = "Internal server error"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: Sequence[FieldError] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.code = code or self.default_code
        self.details = list(details)
        self.headers = dict(headers or {})
        super().__init__(self.message)

    def body(self) -> ErrorBody:
        return ErrorBody(
            error=ErrorDetail(code=self.code, message=self.message, details=self.details)
        )


class BadRequest(ApiError):  # noqa: N818 (HTTP status names read better)
    status = 400
    default_code = "bad_request"
    default_message = "Bad request"


class Unauthorized(ApiError):  # noqa: N818 (HTTP status names read better)
    status = 401
    default_code = "unauthorized"
    default_message = "Authentication required"

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        # RFC 9110: a 401 answer names the scheme the client should use.
        super().__init__(message, code=code, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(ApiError):  # noqa: N818 (HTTP status names read better)
    status = 403
    default_code = "forbidden"
    default_message = "Not allowed"


class NotFound(ApiError):  # noqa: N818 (HTTP status names read better)
    status = 404
    default_code = "not_found"
    default_message = "Not found"


class Conflict(ApiError):  # noqa: N818 (HTTP status names read better)
    status = 409
    default_code = "conflict"
    default_message = "Conflict with the current state"


class Unprocessable(ApiError):  # noqa: N818 (HTTP status names read better)
    status = 422
    default_code = "unprocessable"
    default_message = "The request cannot be processed"


class TooManyRequests(ApiError):  # noqa: N818 (HTTP status names read better)
    status = 429
    default_code = "rate_limited"
    default_message = "Too many requests"

    def __init__(
        self, message: str | None = None, *, retry_after: int, code: str | None = None
    ) -> None:
        self.retry_after = max(1, retry_after)
        super().__init__(message, code=code, headers={"Retry-After": str(self.retry_after)})


def error_response(
    status: int,
    code: str,
    message: str,
    details: Sequence[FieldError] = (),
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The error body as a response (no body for statuses that allow none, e.g. 304)."""
    if not is_body_allowed_for_status_code(status):
        return Response(status_code=status, headers=headers)
    body = ErrorBody(error=ErrorDetail(code=code, message=message, details=list(details)))
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """For a route's ``responses=``: OpenAPI lists :class:`ErrorBody` for each status."""
    return {
        status: {"model": ErrorBody, "description": HTTPStatus(status).phrase}
        for status in statuses
    }


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error with :class:`ErrorBody` and document it in the app's OpenAPI."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    # Starlette runs the Exception handler in its outermost middleware, then re-raises so the
    # server sees the failure too; the answer is already sent by then.
    app.add_exception_handler(Exception, _unexpected_error)
    _document_validation_errors(app)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    malformed = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if malformed is not None:
        # A body that is not JSON at all is a syntax error (400), not a semantic one (422).
        reason = _clip(str(malformed.get("ctx", {}).get("error", "invalid JSON")))
        return error_response(
            400,
            "malformed_json",
            "The request body is not valid JSON",
            [FieldError(location="body", message=reason)],
        )
    details = [_field_error(e) for e in errors[:MAX_FIELD_ERRORS]]
    if len(errors) > MAX_FIELD_ERRORS:
        more = len(errors) - MAX_FIELD_ERRORS
        details.append(FieldError(location="", message=f"... and {more} more errors"))
    return error_response(422, "validation_failed", "The request is invalid", details)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    phrase = _phrase(exc.status_code)
    message = exc.detail if isinstance(exc.detail, str) and exc.detail else phrase
    code = phrase.lower().replace(" ", "_").replace("-", "_")
    return error_response(exc.status_code, code, message, headers=exc.headers)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal_error", "Internal server error")


def _field_error(error: Mapping[str, Any]) -> FieldError:
    location = ".".join(str(part) for part in error.get("loc", ()))
    return FieldError(location=location, message=_clip(str(error.get("msg", "invalid"))))


def _clip(text: str) -> str:
    if len(text) <= MAX_MESSAGE_CHARS:
        return text
    return text[: MAX_MESSAGE_CHARS - 3] + "..."


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _document_validation_errors(app: FastAPI) -> None:
    """Replace FastAPI's default 422 schema (``HTTPValidationError``) with :class:`ErrorBody`.

    FastAPI adds that 422 response to every route with parameters; ours answers differently,
    so the schema is corrected after generation (FastAPI's documented way to extend OpenAPI).
    """
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _with_error_body(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


_DEFAULT_422_REF = "#/components/schemas/HTTPValidationError"


def _with_error_body(schema: dict[str, Any]) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    error_schema = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in error_schema.pop("$defs", {}).items():
        components.setdefault(name, definition)
    components.setdefault("ErrorBody", error_schema)
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            response = operation.get("responses", {}).get("422", {})
            content = response.get("content", {}).get("application/json", {})
            if content.get("schema", {}).get("$ref") == _DEFAULT_422_REF:
                content["schema"] = {"$ref": "#/components/schemas/ErrorBody"}
    # FastAPI's own two models, dropped once nothing refers to them any more.
    for name in ("HTTPValidationError", "ValidationError"):
        if f'"#/components/schemas/{name}"' not in json.dumps(schema):
            components.pop(name, None)
    return schema
