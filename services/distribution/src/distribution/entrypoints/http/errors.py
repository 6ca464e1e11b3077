"""Use-case errors as HTTP answers in the shared error body."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from distribution.service.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    ServiceError,
)
from newsroom_shared.http.errors import (
    ApiError,
    Conflict,
    FieldError,
    NotFound,
    Unprocessable,
    error_response,
    error_responses,
)


class Gone(ApiError):  # noqa: N818 (HTTP status names read better)
    status = 410
    default_code = "gone"
    default_message = "No longer available"


def api_error(error: ServiceError) -> ApiError:
    message = str(error)
    if isinstance(error, NotFoundError):
        return NotFound(message)
    if isinstance(error, InvalidInputError):
        details = [FieldError(location=f"body.{error.field}", message=error.reason)]
        return Unprocessable(message, code="invalid_input", details=details)
    if isinstance(error, ConflictError):
        return Conflict(message, code=error.code)
    return Conflict(message)


async def _service_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ServiceError)
    answer = api_error(exc)
    return error_response(answer.status, answer.code, answer.message, answer.details)


def install_service_error_handler(app: FastAPI) -> None:
    app.add_exception_handler(ServiceError, _service_error)


def json_error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``error_responses`` for a route answering HTML: its errors are JSON all the same."""
    documented = error_responses(*statuses)
    body = {"schema": {"$ref": "#/components/schemas/ErrorBody"}}
    for response in documented.values():
        response["content"] = {"application/json": body}
    return documented
