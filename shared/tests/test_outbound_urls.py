"""The SSRF guard every service uses for URLs a tenant typed in."""

from __future__ import annotations

import asyncio

import httpcore
import httpx
import pytest

from newsroom_shared.outbound_urls import (
    GuardedUnlessAllowed,
    PublicAddressesOnly,
    RefusedUrlError,
    UnresolvableHostError,
    check_outbound_url,
    check_resolved_url,
    guarded_transport,
    insecure_allowed,
    is_public_address,
)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "http://hooks.example/",  # plain http
        "https://user:pw@hooks.example/",
        "https://127.0.0.1/",
        "https://localhost/",
        "https://api.localhost/",
        "https://10.1.2.3/",
        "https://192.168.0.1:8443/",
        "https://172.16.0.1/",
        "https://169.254.169.254/latest/meta-data/",  # cloud metadata
        "https://[::1]/",
        "https://[fe80::1]/",
        "https://[fc00::1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://0.0.0.0/",
        "https://2130706433/",  # 127.0.0.1 as one number
        "https://0x7f.1/",
        "https://224.0.0.1/",
        "https:///path-only",
        "https://hooks.example:99999/",
    ],
)
def test_outbound_urls_refuse_internal_or_odd_targets(url):
    with pytest.raises(RefusedUrlError, match=r"must|has|is not"):
        check_outbound_url(url)


@pytest.mark.parametrize(
    "url", ["https://hooks.example/in", "https://93.184.215.14/x", "https://[2606:4700::1111]/"]
)
def test_outbound_urls_accept_public_https(url):
    assert check_outbound_url(url) == url


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:4700::6810:84e5", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("::ffff:192.168.0.1", False),
        ("fe80::1%eth0", False),
    ],
)
def test_only_public_addresses_may_be_called_after_dns(address, public):
    assert is_public_address(address) is public


async def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch):
    async def resolves_privately(host, port, *args, **kwargs):
        return [(2, 1, 6, "", ("10.0.0.5", port)), (10, 1, 6, "", ("2606:4700::1111", port))]

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", resolves_privately)

    with pytest.raises(RefusedUrlError, match="internal address"):
        await check_resolved_url("https://feeds.example.com/rss")


async def test_a_name_resolving_only_to_public_addresses_passes(monkeypatch):
    async def resolves_publicly(host, port, *args, **kwargs):
        return [(2, 1, 6, "", ("93.184.215.14", port))]

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", resolves_publicly)

    assert await check_resolved_url(" https://feeds.example.com/rss ") == (
        "https://feeds.example.com/rss"
    )


async def test_a_name_that_does_not_resolve_is_a_temporary_failure(monkeypatch):
    async def fails(host, port, *args, **kwargs):
        raise OSError("Name or service not known")

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", fails)

    with pytest.raises(UnresolvableHostError, match=r"cannot resolve 'feeds\.example\.com'"):
        await check_resolved_url("https://feeds.example.com/rss")


def test_insecure_mode_lets_tests_call_local_servers():
    assert check_outbound_url("http://127.0.0.1:8080/x", allow_insecure=True)
    with pytest.raises(RefusedUrlError, match="http"):
        check_outbound_url("ftp://127.0.0.1/x", allow_insecure=True)


async def test_insecure_mode_does_not_resolve(monkeypatch):
    async def must_not_resolve(*args, **kwargs):
        raise AssertionError("resolved")

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", must_not_resolve)

    assert await check_resolved_url("http://localhost:1/", allow_insecure=True)


class Recorder(httpcore.AsyncNetworkBackend):
    """Records where the guarded backend connects, instead of connecting."""

    def __init__(self) -> None:
        self.connected: list[tuple[str, int]] = []

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):  # noqa: ASYNC109
        self.connected.append((host, port))
        return httpcore.AsyncNetworkStream()

    async def sleep(self, seconds):
        return None


def resolving(monkeypatch, *answers: str) -> list[str]:
    """``getaddrinfo`` answers each lookup with the next address (the last one from then on)."""
    asked: list[str] = []

    async def lookup(host, port, *args, **kwargs):
        asked.append(host)
        address = answers[min(len(asked), len(answers)) - 1]
        return [(2, 1, 6, "", (address, port))]

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", lookup)
    return asked


async def test_the_guarded_backend_connects_to_the_address_it_checked(monkeypatch):
    resolving(monkeypatch, "93.184.215.14")
    inner = Recorder()

    await PublicAddressesOnly(inner).connect_tcp("feeds.example.com", 443)

    assert inner.connected == [("93.184.215.14", 443)]  # not the name: no second lookup


async def test_a_name_rebound_to_loopback_after_the_check_is_refused_at_connect(monkeypatch):
    asked = resolving(monkeypatch, "93.184.215.14", "127.0.0.1")
    url = "https://feeds.example.com/rss"
    assert await check_resolved_url(url) == url  # the check saw a public address

    async with httpx.AsyncClient(transport=guarded_transport()) as client:
        with pytest.raises(httpx.ConnectError, match="internal address"):
            await client.get(url)

    assert asked == ["feeds.example.com", "feeds.example.com"]


async def test_the_guarded_transport_refuses_a_loopback_literal_too(monkeypatch):
    resolving(monkeypatch, "127.0.0.1")
    async with httpx.AsyncClient(transport=guarded_transport()) as client:
        with pytest.raises(httpx.ConnectError, match="internal address"):
            await client.get("http://127.0.0.1:9/")


async def test_one_client_guards_every_request_but_those_marked_insecure_allowed():
    """Distribution's one client serves channels configured either way: a request reaches a
    loopback server only when its destination's configuration allowed insecure URLs."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/"
    async with server, httpx.AsyncClient(transport=GuardedUnlessAllowed()) as client:
        with pytest.raises(httpx.ConnectError, match="internal address"):
            await client.get(url)
        with pytest.raises(httpx.ConnectError, match="internal address"):
            await client.get(url, extensions=insecure_allowed(False))
        allowed = await client.get(url, extensions=insecure_allowed(True))
    assert allowed.status_code == 204
