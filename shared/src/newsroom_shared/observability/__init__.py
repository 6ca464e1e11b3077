"""Observability every service shares: JSON logs, Prometheus metrics, health probes."""

from newsroom_shared.observability.health import health_router, kafka_check, mongo_check
from newsroom_shared.observability.logging import (
    configure_logging,
    log_context,
    redact_access_paths,
)
from newsroom_shared.observability.metrics import install_http_metrics, metrics_router

__all__ = [
    "configure_logging",
    "health_router",
    "install_http_metrics",
    "kafka_check",
    "log_context",
    "metrics_router",
    "mongo_check",
    "redact_access_paths",
]
