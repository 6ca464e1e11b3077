"""A small HTTP/1.1 load generator for benchmarks: ``connections`` keep-alive connections,
each sending GETs one after another until ``requests`` were sent in all; every request's
latency kept. Plain asyncio streams, no client library: at tens of thousands of requests a
second a client library's own cost would be what is measured (there is no wrk or oha here).
It reads answers with a ``Content-Length`` (what uvicorn sends for JSON) and nothing else.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    latencies_s: list[float]
    failures: int

    def report(self) -> dict[str, float]:
        ordered = sorted(self.latencies_s)
        return {
            "requests": self.requests,
            "failures": self.failures,
            "requests_per_s": self.requests / self.seconds,
            "p50_ms": statistics.median(ordered) * 1000,
            "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
            "max_ms": ordered[-1] * 1000,
        }


async def _answer(reader: asyncio.StreamReader) -> int:
    """One answer read whole; its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = next(
        int(line.split(":", 1)[1])
        for line in lines[1:]
        if line.lower().startswith("content-length:")
    )
    await reader.readexactly(length)
    return status


async def load(port: int, path: str, requests: int, connections: int) -> Load:
    """``requests`` GETs of ``path`` on 127.0.0.1:``port`` over ``connections`` connections."""
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: application/json\r\n\r\n"
    raw = request.encode("latin-1")
    latencies: list[float] = []
    failures = 0
    left = requests

    async def connection() -> None:
        nonlocal left, failures
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while left > 0:
                left -= 1
                started = time.perf_counter()
                writer.write(raw)
                status = await _answer(reader)
                latencies.append(time.perf_counter() - started)
                failures += status != 200
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    return Load(requests, time.perf_counter() - started, latencies, failures)
