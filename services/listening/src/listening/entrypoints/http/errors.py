"""Domain errors as HTTP answers: problem details like every other error."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response

from listening.domain.errors import (
    BadSignatureError,
    ConcurrentModificationError,
    DomainError,
    DuplicateError,
    DuplicateFeedError,
    InvalidFeedUrlError,
    InvalidPostError,
    InvalidSpikeRuleError,
    LimitReachedError,
    NotFoundError,
    QuerySyntaxError,
    UnknownAnswerError,
)
from newsroom_shared.http.errors import (
    ApiError,
    BadRequest,
    Conflict,
    NotFound,
    Unprocessable,
    invalid_input,
)
from newsroom_shared.http.problems import FieldError


def api_error(error: DomainError) -> ApiError:
    """The HTTP answer to a domain error (404s never say whether another tenant has it)."""
    message = str(error)
    if isinstance(error, QuerySyntaxError):
        return Unprocessable(
            f"the query does not parse: {message}",
            code="query_syntax",
            errors=[FieldError(location="body.text", message=message, type="query_syntax")],
        )
    if isinstance(error, NotFoundError):
        return NotFound(message)
    if isinstance(error, LimitReachedError):
        return Conflict(message, code="limit_reached")
    if isinstance(error, DuplicateError):
        return Conflict(message, code="already_exists")
    if isinstance(error, ConcurrentModificationError):
        return Conflict("the resource is being changed by someone else; retry", code="busy")
    if isinstance(error, BadSignatureError):
        return BadRequest(message, code="bad_signature")
    if isinstance(error, InvalidPostError):
        return invalid_input("body", message)
    if isinstance(error, InvalidFeedUrlError):
        return invalid_input("body.url", message)
    if isinstance(error, DuplicateFeedError):
        return Conflict(message, code="duplicate_feed")
    if isinstance(error, InvalidSpikeRuleError):
        return invalid_input(f"body.spike_thresholds.{error.field}", str(error))
    if isinstance(error, UnknownAnswerError):
        return invalid_input("body.answered_by.id", message)
    return Conflict(message)


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return api_error(exc).response(request)


def install_domain_error_handler(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
