"""Errors a service raises on purpose, and the handlers that answer every error as a problem.

Services raise :class:`ApiError` subclasses (or map their domain errors to one);
:func:`install_error_handlers` turns those, FastAPI's validation errors, Starlette's HTTP errors
(unknown route, wrong method) and anything unexpected into RFC 9457 problem details
(:mod:`newsroom_shared.http.problems`), and makes the app's OpenAPI declare them
(:mod:`newsroom_shared.http.openapi_problems`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException as StarletteHTTPException

from newsroom_shared.http.body_limits import DEFAULT_MAX_BODY_BYTES, BodyLimitMiddleware
from newsroom_shared.http.openapi_problems import document_problems
from newsroom_shared.http.problems import FieldError, problem_response, status_phrase

logger = logging.getLogger(__name__)

# Bounds on what a validation error answer repeats back: a hostile or broken client must not
# make us build a huge response (messages can quote constraint values, never the input).
MAX_FIELD_ERRORS = 20
MAX_MESSAGE_CHARS = 200

# The one code of every invalid request body, query, path or header, whoever noticed it (the
# request schema or a domain rule): clients handle bad input in one place.
VALIDATION_FAILED = "validation_failed"
# Codes of Starlette's own errors that do not follow from the status phrase (which Python
# versions word differently: 413 is "Request Entity Too Large", later "Content Too Large").
_HTTP_CODES = {413: "body_too_large"}


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
        errors: Sequence[FieldError] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.code = code or self.default_code
        self.errors = list(errors)
        self.headers = dict(headers or {})
        super().__init__(self.message)

    def response(self, request: Request) -> Response:
        """This error as a problem answer to ``request``."""
        return problem_response(
            status=self.status,
            code=self.code,
            detail=self.message,
            instance=request.url.path,
            errors=self.errors,
            headers=self.headers,
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


class PreconditionFailed(ApiError):  # noqa: N818 (HTTP status names read better)
    """``If-Match`` named a version that is not the current one."""

    status = 412
    default_code = "version_mismatch"
    default_message = "The resource changed since you read it"


class UnsupportedMediaType(ApiError):  # noqa: N818 (HTTP status names read better)
    """A body in a format the operation does not take (its OpenAPI names the media type)."""

    status = 415
    default_code = "unsupported_media_type"
    default_message = "The request body must be JSON (Content-Type: application/json)"


class Unprocessable(ApiError):  # noqa: N818 (HTTP status names read better)
    """Input the request schema let through but a rule of the service refuses."""

    status = 422
    default_code = VALIDATION_FAILED
    default_message = "The request is invalid"


class TooManyRequests(ApiError):  # noqa: N818 (HTTP status names read better)
    status = 429
    default_code = "rate_limited"
    default_message = "Too many requests"

    def __init__(
        self, message: str | None = None, *, retry_after: int, code: str | None = None
    ) -> None:
        self.retry_after = max(1, retry_after)
        super().__init__(message, code=code, headers={"Retry-After": str(self.retry_after)})


def invalid_input(location: str, message: str, detail: str | None = None) -> Unprocessable:
    """A 422 for one input a service rule refuses: the same code and shape as schema errors."""
    return Unprocessable(detail or message, errors=[FieldError(location=location, message=message)])


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """For a route's ``responses=``: the error statuses its dependencies do not already imply
    (a conflict, a referenced resource missing). The OpenAPI declares each as a problem."""
    return {status: {"description": status_phrase(status)} for status in statuses}


def install_error_handlers(
    app: FastAPI,
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    streamed_paths: Sequence[str] = (),
) -> None:
    """Answer every error with a problem and declare them in the app's OpenAPI; request bodies
    over ``max_body_bytes`` answer 413, except on ``streamed_paths`` (uploads: the route
    streams the body and enforces its own limits)."""
    app.add_middleware(
        BodyLimitMiddleware, max_bytes=max_body_bytes, streamed_paths=tuple(streamed_paths)
    )
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    # Starlette runs the Exception handler in its outermost middleware, then re-raises so the
    # server sees the failure too; the answer is already sent by then.
    app.add_exception_handler(Exception, _unexpected_error)
    document_problems(app)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.response(request)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if _body_not_json(request, errors):
        return UnsupportedMediaType().response(request)
    malformed = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if malformed is not None:
        # A body that is not JSON at all is a syntax error (400), not a semantic one (422).
        reason = _clip(str(malformed.get("ctx", {}).get("error", "invalid JSON")))
        field = FieldError(location="body", message=reason, type="json_invalid")
        return BadRequest(
            "The request body is not valid JSON", code="malformed_json", errors=[field]
        ).response(request)
    fields = [_field_error(e) for e in errors[:MAX_FIELD_ERRORS]]
    if len(errors) > MAX_FIELD_ERRORS:
        more = len(errors) - MAX_FIELD_ERRORS
        fields.append(FieldError(location="", message=f"... and {more} more errors", type="more"))
    return Unprocessable(_summary(fields), errors=fields).response(request)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    phrase = status_phrase(exc.status_code)
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail else phrase
    code = _HTTP_CODES.get(exc.status_code) or phrase.lower().replace(" ", "_").replace("-", "_")
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        # Starlette names only the first route that matched the path; a path can have several
        # (GET and PATCH /v1/releases/{id} are two routes).
        headers["Allow"] = ", ".join(_allowed_methods(request))
    return problem_response(
        status=exc.status_code,
        code=code,
        detail=detail,
        instance=request.url.path,
        headers=headers,
    )


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(
        status=500, code="internal_error", detail="Internal server error", instance=request.url.path
    )


def _body_not_json(request: Request, errors: Sequence[Mapping[str, Any]]) -> bool:
    """The body was refused and it was sent as something else than JSON (FastAPI then hands
    the raw bytes to the body's model, which refuses them)."""
    content_type = request.headers.get("content-type")
    if not content_type or not any(tuple(e.get("loc", ()))[:1] == ("body",) for e in errors):
        return False
    media_type = content_type.split(";")[0].strip().lower()
    main, _, sub = media_type.partition("/")
    # FastAPI's own test of a JSON body: application/json or application/*+json.
    return not (main == "application" and (sub == "json" or sub.endswith("+json")))


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route of the app answers on this request's path."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        path_regex = getattr(route, "path_regex", None)
        if path_regex is not None and path_regex.match(request.url.path):
            methods |= set(route.methods or ())
    return sorted(methods)


def _field_error(error: Mapping[str, Any]) -> FieldError:
    location = ".".join(str(part) for part in error.get("loc", ()))
    message = _clip(str(error.get("msg", "invalid")))
    return FieldError(location=location, message=message, type=str(error.get("type", "invalid")))


def _summary(fields: Sequence[FieldError]) -> str:
    if len(fields) == 1:
        return f"{fields[0].location}: {fields[0].message}"
    return f"{len(fields)} inputs are invalid: see errors"


def _clip(text: str) -> str:
    if len(text) <= MAX_MESSAGE_CHARS:
        return text
    return text[: MAX_MESSAGE_CHARS - 3] + "..."
