"""Which URLs a service may call when a tenant typed them in: the guard against SSRF.

Every service that calls a URL it did not choose itself (a webhook endpoint, a Mastodon instance,
a feed to poll) checks it twice:

- :func:`check_outbound_url` when the URL is accepted (pure, no I/O): https only, no credentials
  in it, and no loopback, private, link-local, multicast or reserved address written as an IP
  literal (numeric spellings such as ``2130706433`` or ``0x7f.1`` included);
- :func:`check_resolved_url` at every call: every address the host resolves to must be public,
  since a hostname may point at ``10.0.0.5`` (or be changed to, after it was accepted);
- and, for clients built on :func:`guarded_transport`, again at connect time on the very
  addresses connected to (a name that resolves to a public address for the check and to
  ``127.0.0.1`` a moment later is refused too).

``allow_insecure`` (tests and local development only) permits http and internal addresses.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

# Hosts like "2130706433" or "0x7f.1" are IP addresses to some resolvers; refuse the ambiguity.
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]*|[0-9]*))*$", re.IGNORECASE)


class RefusedUrlError(ValueError):
    """We must not call this URL; the message says why."""


class UnresolvableHostError(OSError):
    """The URL's host does not resolve now (may be temporary: try again later)."""


def check_outbound_url(url: str, *, allow_insecure: bool = False) -> str:
    """``url`` (stripped) if we may call it; else :class:`RefusedUrlError` saying why."""
    parts = urlsplit(url.strip())
    allowed_schemes = ("https", "http") if allow_insecure else ("https",)
    if parts.scheme.lower() not in allowed_schemes:
        raise RefusedUrlError(f"must be an {' or '.join(allowed_schemes)} URL (got {url!r})")
    if parts.username is not None or parts.password is not None:
        raise RefusedUrlError("must not contain a user name or password; set credentials apart")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise RefusedUrlError(f"has no host: {url!r}")
    try:
        _ = parts.port  # urlsplit raises only when asked
    except ValueError as error:
        raise RefusedUrlError(f"has an invalid port: {url!r}") from error
    if not allow_insecure:
        _refuse_internal_host(host)
    return url.strip()


async def check_resolved_url(url: str, *, allow_insecure: bool = False) -> str:
    """``url`` if we may call it now: :func:`check_outbound_url`, then every address its host
    resolves to must be public; else :class:`RefusedUrlError` or :class:`UnresolvableHostError`."""
    checked = check_outbound_url(url, allow_insecure=allow_insecure)
    if allow_insecure:
        return checked
    parts = urlsplit(checked)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port)
    except OSError as error:
        raise UnresolvableHostError(f"cannot resolve {host!r}: {error}") from None
    for info in infos:
        if not is_public_address(str(info[4][0])):
            raise RefusedUrlError(f"{host!r} resolves to an internal address")
    return checked


def is_public_address(text: str) -> bool:
    """Whether an address (as ``getaddrinfo`` gives it) is one we may call."""
    address = ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _refuse_internal_host(host: str) -> None:
    if host == "localhost" or host.endswith(".localhost"):
        raise RefusedUrlError(f"must not point at this machine ({host!r})")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if _NUMERIC_HOST.fullmatch(host):
            raise RefusedUrlError(f"{host!r} is not a hostname or a dotted IP address") from None
        return  # a name: checked again after DNS, at every call
    if not is_public_address(str(address)):
        raise RefusedUrlError(
            f"must not point at a loopback, private, link-local or reserved address ({host})"
        )


class PublicAddressesOnly(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that connects only to public addresses.

    It resolves the host itself, refuses the connection unless every address is public, and
    connects to one of those very addresses: no second lookup between the check and the
    connection that a hostile DNS server could answer differently (DNS rebinding). TLS still
    verifies the certificate for the URL's host name (httpcore passes it as the SNI name).
    """

    def __init__(self, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except OSError as error:
            raise httpcore.ConnectError(f"cannot resolve {host!r}: {error}") from error
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if not addresses or not all(is_public_address(a) for a in addresses):
            raise httpcore.ConnectError(f"refused: {host!r} resolves to an internal address")
        failure: httpcore.ConnectError | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as error:
                failure = error
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("refused: not a network address")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def guarded_transport(*, allow_insecure: bool = False) -> httpx.AsyncHTTPTransport:
    """An httpx transport for URLs a tenant typed in: every connection goes to a public
    address checked at connect time (:class:`PublicAddressesOnly`), redirects included; with
    ``allow_insecure`` (tests, local development) a plain transport. No proxy from the
    environment: the guard checks the addresses we connect to."""
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    if not allow_insecure:
        # httpx offers no public hook for httpcore's network backend: its pool is replaced
        # with one like it on that backend (a test proves the guard holds at connect time).
        transport._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            network_backend=PublicAddressesOnly(),
        )
    return transport


# A request extension: this request is for a destination configured with ``allow_insecure``.
ALLOW_INSECURE = "newsroom.allow_insecure"


def insecure_allowed(allow: bool) -> dict[str, Any]:
    """The request ``extensions`` that let :class:`GuardedUnlessAllowed` pass a request to a
    destination whose configuration allows internal addresses (tests, local development)."""
    return {ALLOW_INSECURE: True} if allow else {}


class GuardedUnlessAllowed(httpx.AsyncBaseTransport):
    """One client for destinations configured either way: a request goes through the guarded
    transport unless it carries :func:`insecure_allowed` (set only from a destination's own
    ``allow_insecure`` configuration, which only a service allowing insecure URLs gives)."""

    def __init__(self) -> None:
        self._guarded = guarded_transport()
        self._plain = guarded_transport(allow_insecure=True)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        chosen = self._plain if request.extensions.get(ALLOW_INSECURE) else self._guarded
        return await chosen.handle_async_request(request)

    async def aclose(self) -> None:
        await self._guarded.aclose()
        await self._plain.aclose()
