"""Request counts and latencies per route template, served at /metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from newsroom_shared.http.errors import NotFound, install_error_handlers
from newsroom_shared.observability.metrics import install_http_metrics, metrics_router


def make_app(service: str) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    install_http_metrics(app, service)
    app.include_router(metrics_router())
    releases = APIRouter(prefix="/releases")

    @releases.get("/{release_id}")
    def read(release_id: str) -> dict[str, str]:
        if release_id == "missing":
            raise NotFound()
        return {"id": release_id}

    @releases.get("/{release_id}/boom")
    def boom(release_id: str) -> None:
        raise RuntimeError("unexpected")

    app.include_router(releases)
    return app


@pytest.fixture
def service(unique: str) -> str:
    return f"svc-{unique}"


@pytest.fixture
async def client(service: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app(service), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def requests_total(service: str, route: str, status: str, method: str = "GET") -> float:
    labels = {"service": service, "method": method, "route": route, "status": status}
    return REGISTRY.get_sample_value("newsroom_http_requests_total", labels) or 0.0


def latency_count(service: str, route: str) -> float:
    labels = {"service": service, "method": "GET", "route": route}
    return REGISTRY.get_sample_value("newsroom_http_request_seconds_count", labels) or 0.0


async def test_counts_by_route_template_not_raw_path(
    client: httpx.AsyncClient, service: str
) -> None:
    for release_id in ("a", "b", "c"):
        assert (await client.get(f"/releases/{release_id}")).status_code == 200
    assert requests_total(service, "/releases/{release_id}", "200") == 3
    assert requests_total(service, "/releases/a", "200") == 0
    assert latency_count(service, "/releases/{release_id}") == 3


async def test_status_labels_for_errors(client: httpx.AsyncClient, service: str) -> None:
    await client.get("/releases/missing")
    await client.get("/releases/x/boom")
    await client.get("/no/such/path")
    await client.get("/another/unknown/path")
    assert requests_total(service, "/releases/{release_id}", "404") == 1
    assert requests_total(service, "/releases/{release_id}/boom", "500") == 1
    assert requests_total(service, "<unmatched>", "404") == 2


async def test_unusual_methods_share_one_label(client: httpx.AsyncClient, service: str) -> None:
    await client.request("BREW", "/releases/a")
    assert requests_total(service, "/releases/{release_id}", "405", method="OTHER") == 1


async def test_metrics_endpoint_serves_the_text_exposition(
    client: httpx.AsyncClient, service: str
) -> None:
    await client.get("/releases/a")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    served = {
        (s.labels["route"], s.labels["status"], s.value)
        for s in families["newsroom_http_requests"].samples
        if s.labels.get("service") == service
    }
    assert served == {("/releases/{release_id}", "200", 1.0)}
    assert families["newsroom_http_request_seconds"].type == "histogram"


def test_metrics_endpoint_is_not_in_the_openapi_schema() -> None:
    paths = make_app("svc-schema").openapi()["paths"]
    assert "/metrics" not in paths
    assert "/releases/{release_id}" in paths
