"""What every outbound HTTP call of the adapters shares: the SSRF re-check, timeouts, and turning a
response or a network error into an :data:`~distribution.domain.outcomes.Outcome`.

An adapter's steps (log in, upload, post, reply...) call :func:`send`; any step that fails raises
:class:`OutcomeError` carrying the failure, and the adapter's public method returns it. So a thread
stops at the first post that fails, and the outcome says why.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from distribution.adapters.transport_errors import classify_error
from distribution.domain.outcomes import (
    PermanentFailure,
    TransientFailure,
    classify_http_status,
)
from newsroom_shared.outbound_urls import (
    RefusedUrlError,
    UnresolvableHostError,
    check_resolved_url,
    insecure_allowed,
)

# A network that answers slower than this is down for us; the delivery is retried later.
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)

# Pulls the far side's own error message out of a parsed error body (None: not found).
ErrorDetail = Callable[[Any], str | None]


class OutcomeError(Exception):
    """A step failed; ``outcome`` says whether trying again later may help."""

    def __init__(
        self,
        outcome: TransientFailure | PermanentFailure,
        response: httpx.Response | None = None,
        *,
        may_have_landed: bool = False,
    ) -> None:
        super().__init__(outcome.reason)
        self.outcome = outcome
        self.response = response  # the far side's answer, when there was one
        # The request reached the far side and may have taken effect (no answer came back, or
        # a 5xx came back): a post may exist.
        self.may_have_landed = may_have_landed


def refuse(reason: str) -> OutcomeError:
    return OutcomeError(PermanentFailure(reason))


async def check_destination(url: str, *, allow_insecure: bool) -> str:
    """``url`` if we may call it: the config rules again, then every address its host resolves
    to must be public (a hostname pointing at 10.0.0.5 is refused here, not by the config)."""
    try:
        return await check_resolved_url(url, allow_insecure=allow_insecure)
    except RefusedUrlError as error:
        raise refuse(f"refused to call {url!r}: {error}") from None
    except UnresolvableHostError as error:
        raise OutcomeError(TransientFailure(str(error))) from None


def parsed_body(response: httpx.Response) -> Any:
    """The JSON body, or the text when it is not JSON (error pages are often HTML)."""
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return response.text


def failure_for(
    response: httpx.Response, error_detail: ErrorDetail
) -> TransientFailure | PermanentFailure | None:
    """The failure a non-2xx response means, with the far side's message; None for 2xx."""
    if response.is_success:
        return None
    body = parsed_body(response)
    detail = error_detail(body) if not isinstance(body, str) else body
    return classify_http_status(
        response.status_code, response.headers, datetime.now(UTC), detail or ""
    )


async def send(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    error_detail: ErrorDetail,
    http_timeout: httpx.Timeout,
    allow_insecure: bool,
    **request: Any,
) -> httpx.Response:
    """The 2xx response of one request; otherwise :class:`OutcomeError` with the failure.

    Redirects are not followed: a redirect could lead past the destination check. The client's
    transport connects only to public addresses unless ``allow_insecure`` (the destination's
    configuration) says otherwise (``GuardedUnlessAllowed``).
    """
    try:
        response = await client.request(
            method,
            url,
            timeout=http_timeout,
            follow_redirects=False,
            extensions=insecure_allowed(allow_insecure),
            **request,
        )
    except httpx.HTTPError as error:
        raise _network_failure(error) from None
    failure = failure_for(response, error_detail)
    if failure is not None:
        raise OutcomeError(failure, response, may_have_landed=response.status_code >= 500)
    return response


# Errors before the request left us: it cannot have taken effect.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


def _network_failure(error: httpx.HTTPError) -> OutcomeError:
    failure = classify_error(error)
    if failure is None:  # e.g. an invalid URL: retrying cannot help
        return refuse(f"request failed: {type(error).__name__}: {error}")
    return OutcomeError(failure, may_have_landed=not isinstance(error, _NOT_SENT))


def json_field(body: Any, *path: str | int) -> Any:
    """``body[path[0]][path[1]]...`` or None when any step is missing: far sides' bodies vary."""
    value = body
    for key in path:
        if isinstance(key, int):
            if not isinstance(value, list) or len(value) <= key:
                return None
        elif not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def text_field(body: Any, *path: str | int) -> str | None:
    value = json_field(body, *path)
    return value if isinstance(value, str) and value else None


def required_text(body: Any, what: str, *path: str | int) -> str:
    """A string the far side must return; a 2xx without it is a broken answer (retry later)."""
    value = json_field(body, *path)
    if isinstance(value, int | str) and not isinstance(value, bool) and str(value):
        return str(value)
    raise OutcomeError(TransientFailure(f"the far side's answer lacks {what}"))
