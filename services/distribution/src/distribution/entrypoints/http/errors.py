"""Use-case errors as HTTP answers: problem details like every other error."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response

from distribution.service.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    ServiceError,
)
from newsroom_shared.http.errors import ApiError, Conflict, NotFound, invalid_input


class Gone(ApiError):  # noqa: N818 (HTTP status names read better)
    status = 410
    default_code = "gone"
    default_message = "No longer available"


def api_error(error: ServiceError) -> ApiError:
    message = str(error)
    if isinstance(error, NotFoundError):
        return NotFound(message)
    if isinstance(error, InvalidInputError):
        return invalid_input(f"body.{error.field}", error.reason, detail=message)
    if isinstance(error, ConflictError):
        return Conflict(message, code=error.code)
    return Conflict(message)


async def _service_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ServiceError)
    return api_error(exc).response(request)


def install_service_error_handler(app: FastAPI) -> None:
    app.add_exception_handler(ServiceError, _service_error)
