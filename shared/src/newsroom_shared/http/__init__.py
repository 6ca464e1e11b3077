"""HTTP plumbing every service shares: error bodies, cursor pages, auth, rate limits."""

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
    ErrorBody,
    ErrorDetail,
    FieldError,
    Forbidden,
    NotFound,
    TooManyRequests,
    Unauthorized,
    Unprocessable,
    error_responses,
    install_error_handlers,
)
from newsroom_shared.http.pagination import (
    Cursor,
    Limit,
    Page,
    decode_cursor,
    encode_cursor,
    page_of,
)
from newsroom_shared.http.ratelimit import rate_limit

__all__ = [
    "ApiError",
    "Authenticator",
    "BadRequest",
    "Conflict",
    "CurrentPrincipal",
    "Cursor",
    "ErrorBody",
    "ErrorDetail",
    "FieldError",
    "Forbidden",
    "Limit",
    "NotFound",
    "Page",
    "Principal",
    "Scope",
    "TooManyRequests",
    "Unauthorized",
    "Unprocessable",
    "decode_cursor",
    "encode_cursor",
    "error_responses",
    "get_principal",
    "install_error_handlers",
    "page_of",
    "rate_limit",
    "require",
]
