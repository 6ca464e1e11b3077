"""Domain errors as HTTP answers in the shared error body."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response

from newsroom_shared.http.errors import (
    ApiError,
    Conflict,
    FieldError,
    NotFound,
    Unprocessable,
    error_response,
)
from publisher.domain.errors import (
    AlreadyExistsError,
    ConcurrentModificationError,
    DomainError,
    IllegalTransitionError,
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
    VersionMismatchError,
)


class PreconditionFailed(ApiError):  # noqa: N818 (HTTP status names read better)
    """``If-Match`` named a version that is not the current one."""

    status = 412
    default_code = "version_mismatch"
    default_message = "The resource changed since you read it"


def api_error(error: DomainError) -> ApiError:
    """The HTTP answer to a domain error (404s never say whether another tenant has it)."""
    message = str(error)
    if isinstance(error, NotFoundError):
        return NotFound(message)
    if isinstance(error, InvalidInputError):
        details = [FieldError(location=f"body.{error.field}", message=message)]
        return Unprocessable(message, code="invalid_input", details=details)
    if isinstance(error, IllegalTransitionError):
        return Conflict(message, code="illegal_transition")
    if isinstance(error, VersionMismatchError):
        return PreconditionFailed(message)
    if isinstance(error, AlreadyExistsError):
        return Conflict(message, code="already_exists")
    if isinstance(error, NotAllowedError):
        return Conflict(message, code="not_allowed")
    if isinstance(error, ConcurrentModificationError):
        return Conflict("the resource is being changed by someone else; retry", code="busy")
    return Conflict(message)


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    answer = api_error(exc)
    return error_response(answer.status, answer.code, answer.message, answer.details)


def install_domain_error_handler(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
