"""Domain errors as HTTP answers: problem details like every other error."""

from __future__ import annotations

import math

from fastapi import FastAPI, Request
from fastapi.responses import Response

from comments.domain.errors import (
    ClosedError,
    ConcurrentModificationError,
    DomainError,
    ForbiddenError,
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
    RateLimitedError,
    TokenError,
)
from newsroom_shared.http.errors import (
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    TooManyRequests,
    invalid_input,
)


class Gone(ApiError):  # noqa: N818 (HTTP status names read better)
    status = 410
    default_code = "gone"
    default_message = "No longer available"


def api_error(error: DomainError) -> ApiError:
    """The HTTP answer to a domain error (404s never say whether another tenant has it)."""
    message = str(error)
    if isinstance(error, NotFoundError):
        return NotFound(message)
    if isinstance(error, InvalidInputError):
        return invalid_input(f"body.{error.field}", error.reason, detail=message)
    if isinstance(error, ClosedError):
        return Conflict(message, code="comments_closed")
    if isinstance(error, NotAllowedError):
        return Conflict(message, code="not_allowed")
    if isinstance(error, ForbiddenError):
        return Forbidden(message)
    if isinstance(error, TokenError):
        if error.expired:
            return Gone(message, code="token_expired")
        return BadRequest(message, code="invalid_token")
    if isinstance(error, RateLimitedError):
        return TooManyRequests(message, retry_after=max(1, math.ceil(error.retry_after_s)))
    if isinstance(error, ConcurrentModificationError):
        return Conflict("the comment is being changed by someone else; retry", code="busy")
    return Conflict(message)


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return api_error(exc).response(request)


def install_domain_error_handler(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
