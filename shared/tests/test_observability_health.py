"""Liveness without I/O; readiness against the real local servers, and when a check fails."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping

import httpx
import pytest
from fastapi import FastAPI
from pymongo import AsyncMongoClient

from newsroom_shared.mongo import Document, make_client
from newsroom_shared.observability.health import Check, health_router, kafka_check, mongo_check
from newsroom_testing.infra import Infra


def client_for(checks: Mapping[str, Check], timeout_s: float = 2.0) -> httpx.AsyncClient:
    app = FastAPI()
    app.include_router(health_router(checks, timeout_s=timeout_s))
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def ok() -> None:
    return None


async def broken() -> None:
    raise ConnectionError("database is down")


async def test_healthz_answers_without_running_checks() -> None:
    calls = 0

    async def counted() -> None:
        nonlocal calls
        calls += 1

    async with client_for({"counted": counted}) as client:
        response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert calls == 0


@pytest.mark.connected
async def test_readyz_is_ready_against_the_real_servers(
    infra: Infra, mongo_client: AsyncMongoClient[Document]
) -> None:
    checks = {
        "mongodb": mongo_check(mongo_client),
        "kafka": kafka_check(infra.kafka_bootstrap_servers),
    }
    async with client_for(checks) as client:
        response = await client.get("/readyz")
    assert response.json() == {"status": "ready", "checks": {"mongodb": "ok", "kafka": "ok"}}
    assert response.status_code == 200


async def test_readyz_answers_503_naming_the_failed_check() -> None:
    async with client_for({"mongodb": ok, "kafka": broken}) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"mongodb": "ok", "kafka": "error: ConnectionError: database is down"},
    }


async def test_readyz_bounds_a_check_that_hangs() -> None:
    hung = asyncio.Event()

    async def never_answers() -> None:
        await hung.wait()

    async with client_for({"slow": never_answers, "fast": ok}, timeout_s=0.05) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"slow": "error: no answer within 0.05s", "fast": "ok"}


async def test_readyz_runs_the_checks_concurrently() -> None:
    # Each check waits for the other to start: run one after the other, both would time out.
    started = {"a": asyncio.Event(), "b": asyncio.Event()}

    def meeting(me: str, other: str) -> Check:
        async def check() -> None:
            started[me].set()
            await started[other].wait()

        return check

    async with client_for({"a": meeting("a", "b"), "b": meeting("b", "a")}) as client:
        response = await client.get("/readyz")
    assert response.json() == {"status": "ready", "checks": {"a": "ok", "b": "ok"}}


async def test_kafka_check_fails_when_no_broker_listens() -> None:
    check = kafka_check("127.0.0.1:9")  # the discard port: nothing listens there
    with pytest.raises(Exception, match="Unable to bootstrap"):
        await check()


async def test_mongo_check_fails_when_no_server_listens() -> None:
    client = make_client("mongodb://127.0.0.1:9/", serverSelectionTimeoutMS=100)
    try:
        with pytest.raises(Exception, match=re.escape("127.0.0.1:9")):
            await mongo_check(client)()
    finally:
        await client.close()


def test_readiness_is_documented_in_openapi() -> None:
    app = FastAPI()
    app.include_router(health_router({}))
    responses = app.openapi()["paths"]["/readyz"]["get"]["responses"]
    ref = {"$ref": "#/components/schemas/Readiness"}
    assert responses["200"]["content"]["application/json"]["schema"] == ref
    assert responses["503"]["content"]["application/json"]["schema"] == ref
