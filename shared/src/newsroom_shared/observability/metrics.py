"""Prometheus metrics: ``GET /metrics`` and per-route HTTP request counts and latencies.

Labels use the route template (``/releases/{release_id}``), never the raw path, and a fixed
set of methods, so the number of series stays bounded whatever clients send. Unmatched paths
(404s) share the route label ``<unmatched>``.

Under several worker processes, set ``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's
multiprocess mode) and ``/metrics`` aggregates all workers.
"""

from __future__ import annotations

import os
import time

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HTTP_REQUESTS = Counter(
    "newsroom_http_requests_total",
    "HTTP requests answered, by route template and status",
    ["service", "method", "route", "status"],
)
HTTP_REQUEST_SECONDS = Histogram(
    "newsroom_http_request_seconds",
    "Time to answer an HTTP request, by route template",
    ["service", "method", "route"],
)

UNMATCHED_ROUTE = "<unmatched>"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def metrics_router() -> APIRouter:
    """``GET /metrics`` in the Prometheus text format (kept out of the OpenAPI schema)."""
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    def metrics(request: Request) -> Response:
        encode, content_type = choose_encoder(request.headers.get("accept", ""))
        return Response(encode(_registry()), media_type=content_type)

    return router


def install_http_metrics(app: FastAPI, service: str) -> None:
    """Count and time every HTTP request the app answers."""
    app.add_middleware(HttpMetricsMiddleware, service=service)


class HttpMetricsMiddleware:
    """Pure ASGI middleware (no per-request task or body buffering, unlike BaseHTTPMiddleware)."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        # An exception escaping the app becomes a 500 answer further out.
        status = 500

        async def send_recording_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_recording_status)
        finally:
            method = scope["method"] if scope["method"] in _METHODS else "OTHER"
            route = route_template(scope)
            HTTP_REQUESTS.labels(self.service, method, route, str(status)).inc()
            HTTP_REQUEST_SECONDS.labels(self.service, method, route).observe(
                time.perf_counter() - started
            )


def add_inside_metrics(app: FastAPI, middleware: Middleware) -> None:
    """Put ``middleware`` just inside the metrics one (and so inside the request id one): what
    it answers itself, without routing (a cached page), is still counted and traced. Starlette
    puts each ``add_middleware`` outside all before it; this places one at a given depth."""
    at = next(
        index
        for index, entry in enumerate(app.user_middleware)
        if getattr(entry, "cls", None) is HttpMetricsMiddleware
    )
    app.user_middleware.insert(at + 1, middleware)


def route_template(scope: Scope) -> str:
    """The path template of the route that handled the request (the router sets it in scope)."""
    route = scope.get("route")
    template = getattr(route, "path_format", None)
    return template if isinstance(template, str) else UNMATCHED_ROUTE


def _registry() -> CollectorRegistry:
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry
