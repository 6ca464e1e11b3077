"""Fetching a feed over HTTP: one conditional GET, bounded in time and size, every hop of a
redirect checked against the SSRF guard.

- **Time**: connect and read timeouts (a silent server), and a deadline over the whole fetch,
  redirects included (a server that trickles a byte a second never trips a read timeout).
- **Size**: the body is streamed and refused past ``max_bytes`` (counted after decompression,
  so a small gzip bomb is refused too); a ``Content-Length`` over the cap is refused unread.
- **Redirects** are followed by hand, at most :data:`MAX_REDIRECTS`, each target passing
  ``check_resolved_url`` before it is called: a public feed cannot send us to 10.0.0.5.
- The environment's proxy settings are ignored (``trust_env=False``): the guard checks the
  addresses we connect to, at connect time too (``guarded_transport``: the address checked is
  the address connected to).
- **One client per fetcher** (per process): a poll pass over many feeds of one host (a blog
  platform, a news site's section feeds) reuses its kept-alive connections instead of a new
  TCP and TLS handshake per feed. A pooled connection was checked by the guard when it was
  opened, to the host it serves. :meth:`HttpFeedFetcher.aclose` closes it at shutdown.

What the far side does never raises: it becomes a :class:`FetchFailed` with its reason.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from listening.domain.feeds import Validators
from listening.service.feed_ports import Fetched, FetchFailed, FetchOutcome, NotModified
from newsroom_shared.outbound_urls import (
    RefusedUrlError,
    UnresolvableHostError,
    check_resolved_url,
    guarded_transport,
)

MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


@dataclass(frozen=True, slots=True)
class FetchLimits:
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 10.0
    deadline_s: float = 30.0
    max_bytes: int = 5_000_000
    user_agent: str = "NewsroomListening/0.1 (feed poller)"
    allow_insecure: bool = False
    """Tests only: http and internal addresses allowed."""


class TooLargeError(Exception):
    pass


class HttpFeedFetcher:
    def __init__(
        self, limits: FetchLimits, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._limits = limits
        timeout = httpx.Timeout(
            limits.read_timeout_s, connect=limits.connect_timeout_s, pool=limits.connect_timeout_s
        )
        # Tests give a transport; otherwise connections go only to public addresses, checked at
        # connect time (no DNS rebinding past ``check_resolved_url``).
        self._client = httpx.AsyncClient(
            timeout=timeout,
            transport=transport or guarded_transport(allow_insecure=limits.allow_insecure),
            trust_env=False,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(self, url: str, validators: Validators) -> FetchOutcome:
        limits = self._limits
        try:
            async with asyncio.timeout(limits.deadline_s):
                return await self._follow(self._client, url, validators)
        except TimeoutError:
            return FetchFailed(f"no complete answer within {limits.deadline_s:g} s")
        except httpx.TimeoutException as error:
            return FetchFailed(f"timed out ({type(error).__name__})")
        except httpx.HTTPError as error:
            return FetchFailed(f"could not fetch the feed: {error or type(error).__name__}")
        except RefusedUrlError as error:
            return FetchFailed(f"refused to call it: {error}")
        except UnresolvableHostError as error:
            return FetchFailed(str(error))
        except TooLargeError:
            return FetchFailed(f"the feed is larger than {limits.max_bytes} bytes: refused")
        except (httpx.InvalidURL, ValueError) as error:  # a URL httpx cannot send, or a Location
            return FetchFailed(f"not a URL that can be fetched: {error}")

    async def _follow(
        self, client: httpx.AsyncClient, url: str, validators: Validators
    ) -> FetchOutcome:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            await check_resolved_url(current, allow_insecure=self._limits.allow_insecure)
            request = client.build_request("GET", current, headers=self._headers(validators))
            response = await client.send(request, stream=True)
            try:
                location = response.headers.get("location")
                if response.status_code in REDIRECTS and location:
                    current = urljoin(current, location)
                    continue
                return await self._outcome(response)
            finally:
                await response.aclose()
        return FetchFailed(f"more than {MAX_REDIRECTS} redirects")

    def _headers(self, validators: Validators) -> dict[str, str]:
        headers = {"User-Agent": self._limits.user_agent, "Accept": ACCEPT}
        if validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        return headers

    async def _outcome(self, response: httpx.Response) -> FetchOutcome:
        status = response.status_code
        if status == 304:
            return NotModified()
        if not response.is_success:
            return FetchFailed(
                f"the server answered {status} {response.reason_phrase}".rstrip(),
                status=status,
                retry_after=response.headers.get("retry-after"),
            )
        body = await self._body(response)
        headers = response.headers
        return Fetched(body, Validators(headers.get("etag"), headers.get("last-modified")))

    async def _body(self, response: httpx.Response) -> bytes:
        cap = self._limits.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise TooLargeError
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > cap:
                raise TooLargeError
            chunks.append(chunk)
        return b"".join(chunks)
