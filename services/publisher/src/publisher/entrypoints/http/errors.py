"""Domain errors as HTTP answers: problem details like every other error."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response

from newsroom_shared.http.errors import (
    ApiError,
    Conflict,
    NotFound,
    PreconditionFailed,
    Unprocessable,
    invalid_input,
)
from newsroom_shared.http.problems import FieldError
from publisher.domain.errors import (
    AlreadyExistsError,
    ConcurrentModificationError,
    DomainError,
    IllegalTransitionError,
    InvalidInputError,
    MediaNotPublishableError,
    NotAllowedError,
    NotFoundError,
    VersionMismatchError,
)


def api_error(error: DomainError) -> ApiError:
    """The HTTP answer to a domain error (404s never say whether another tenant has it)."""
    message = str(error)
    if isinstance(error, NotFoundError):
        return NotFound(message)
    if isinstance(error, InvalidInputError):
        return invalid_input(f"body.{error.field}", message)
    if isinstance(error, MediaNotPublishableError):
        return Unprocessable(message, code="media_not_publishable", errors=_media_errors(error))
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


def _media_errors(error: MediaNotPublishableError) -> list[FieldError]:
    return [
        FieldError(
            location="release.media_ids", message=f"{media_id!r} {reason}", type="media_not_ready"
        )
        for media_id, reason in error.problems
    ]


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return api_error(exc).response(request)


def install_domain_error_handler(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
