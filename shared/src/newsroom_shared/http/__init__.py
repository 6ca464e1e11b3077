"""HTTP plumbing every service shares: problem details, cursor pages, auth, rate limits."""

from newsroom_shared.http.auth import (
    Authenticator,
    CurrentPrincipal,
    Principal,
    Scope,
    get_principal,
    require,
)
from newsroom_shared.http.errors import (
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    TooManyRequests,
    Unauthorized,
    Unprocessable,
    error_responses,
    install_error_handlers,
    invalid_input,
)
from newsroom_shared.http.openapi_problems import raises
from newsroom_shared.http.pagination import (
    Cursor,
    Limit,
    Page,
    decode_cursor,
    encode_cursor,
    page_of,
)
from newsroom_shared.http.problems import FieldError, Problem
from newsroom_shared.http.ratelimit import rate_limit

__all__ = [
    "ApiError",
    "Authenticator",
    "BadRequest",
    "Conflict",
    "CurrentPrincipal",
    "Cursor",
    "FieldError",
    "Forbidden",
    "Limit",
    "NotFound",
    "Page",
    "PreconditionFailed",
    "Principal",
    "Problem",
    "Scope",
    "TooManyRequests",
    "Unauthorized",
    "Unprocessable",
    "decode_cursor",
    "encode_cursor",
    "error_responses",
    "get_principal",
    "install_error_handlers",
    "invalid_input",
    "page_of",
    "raises",
    "rate_limit",
    "require",
]
