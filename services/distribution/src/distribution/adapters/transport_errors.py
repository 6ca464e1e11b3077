"""Transport errors of our clients (httpx, sockets) as outcomes: the one place that knows their
types, so the domain holds no I/O library."""

from __future__ import annotations

import httpx

from distribution.domain.outcomes import TransientFailure, excerpt


def classify_error(error: BaseException) -> TransientFailure | None:
    """Network trouble is transient; anything else is ``None``: a bug, let it surface."""
    if isinstance(error, httpx.TimeoutException | TimeoutError):
        return TransientFailure(f"timed out: {type(error).__name__}")
    if isinstance(error, httpx.TransportError | ConnectionError):
        return TransientFailure(f"connection failed: {type(error).__name__}: {excerpt(str(error))}")
    return None
