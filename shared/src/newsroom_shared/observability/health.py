"""Liveness (``/healthz``) and readiness (``/readyz``) probes.

Liveness touches nothing outside the process: a database outage must not get every replica
restarted. Readiness runs the service's checks (its database, the broker) concurrently, each
bounded by a timeout, and answers 503 while any fails so traffic goes elsewhere.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Literal

from aiokafka import AIOKafkaClient
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pymongo import AsyncMongoClient

from newsroom_shared.mongo import Document

Check = Callable[[], Awaitable[None]]

READINESS_TIMEOUT_S = 2.0
_MAX_ERROR_CHARS = 200


class Liveness(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["ready", "unavailable"]
    checks: dict[str, str]


def health_router(
    readiness: Mapping[str, Check], *, timeout_s: float = READINESS_TIMEOUT_S
) -> APIRouter:
    """``GET /healthz`` and ``GET /readyz``; ``readiness`` maps a check's name to the check."""
    router = APIRouter(tags=["health"])

    @router.get("/healthz")
    async def healthz() -> Liveness:
        """The process is alive (no I/O)."""
        return Liveness()

    @router.get(
        "/readyz",
        response_model=Readiness,
        responses={503: {"model": Readiness, "description": "A dependency does not answer"}},
    )
    async def readyz() -> JSONResponse:
        """Every dependency answers: ready for traffic."""
        report = await check_readiness(readiness, timeout_s)
        status_code = 200 if report.status == "ready" else 503
        return JSONResponse(report.model_dump(), status_code=status_code)

    return router


async def check_readiness(checks: Mapping[str, Check], timeout_s: float) -> Readiness:
    names = list(checks)
    outcomes = await asyncio.gather(*(_run(checks[name], timeout_s) for name in names))
    results = dict(zip(names, outcomes, strict=True))
    ready = all(outcome == "ok" for outcome in outcomes)
    return Readiness(status="ready" if ready else "unavailable", checks=results)


async def _run(check: Check, timeout_s: float) -> str:
    try:
        await asyncio.wait_for(check(), timeout_s)
    except TimeoutError:
        return f"error: no answer within {timeout_s:g}s"
    except Exception as error:  # any failure means "not ready", reported by name
        return f"error: {type(error).__name__}: {error}"[:_MAX_ERROR_CHARS]
    return "ok"


def mongo_check(client: AsyncMongoClient[Document]) -> Check:
    """The database answers a ``ping``."""

    async def ping_mongo() -> None:
        await client.admin.command("ping")

    return ping_mongo


def kafka_check(bootstrap_servers: str) -> Check:
    """A broker answers a metadata request (a fresh connection, closed afterwards)."""

    async def bootstrap_kafka() -> None:
        client = AIOKafkaClient(
            bootstrap_servers=bootstrap_servers,
            client_id="newsroom-readiness",
            request_timeout_ms=int(READINESS_TIMEOUT_S * 1000),
        )
        try:
            await client.bootstrap()
        finally:
            await client.close()

    return bootstrap_kafka
