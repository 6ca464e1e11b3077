"""Logs as JSON lines on stdout, each carrying the service and the current request or event.

``configure_logging`` once at start-up; ``with log_context(event_id=..., tenant_id=...):``
around the handling of one event or request, and every line logged inside (by any logger)
carries those fields. They live in contextvars, so concurrent tasks never mix them up.

FastStream note: a broker built without ``logger=`` installs its own handler, format and INFO
level on ``faststream.access.kafka`` when it starts, undoing the settings made here. Build
brokers with ``logger=logging.getLogger(FASTSTREAM_ACCESS_LOGGER)`` so their lines go through
this configuration (JSON, and per-message INFO lines dropped: they halve consumer throughput).
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

FASTSTREAM_ACCESS_LOGGER = "faststream.access.kafka"

# Loggers that log at INFO for every message, connection or outgoing request (httpx, used for
# social networks and webhooks): WARNING and above only.
NOISY_LOGGERS = ("aiokafka", "faststream.access", FASTSTREAM_ACCESS_LOGGER, "httpx")
# Loggers that bring their own handlers: theirs are removed so lines reach ours.
OWN_HANDLER_LOGGERS = ("faststream", "uvicorn", "uvicorn.error", "uvicorn.access")

event_id_var: ContextVar[str | None] = ContextVar("event_id", default=None)
tenant_id_var: ContextVar[str | None] = ContextVar("tenant_id", default=None)
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

_CONTEXT_VARS = {
    "event_id": event_id_var,
    "tenant_id": tenant_id_var,
    "request_id": request_id_var,
}


@contextmanager
def log_context(**fields: str | None) -> Iterator[None]:
    """Set ``event_id``, ``tenant_id`` and/or ``request_id`` for the lines logged inside."""
    unknown = fields.keys() - _CONTEXT_VARS.keys()
    if unknown:
        raise TypeError(f"unknown log context fields: {sorted(unknown)}")
    tokens = [(_CONTEXT_VARS[name].set(value), name) for name, value in fields.items()]
    try:
        yield
    finally:
        for token, name in reversed(tokens):
            _CONTEXT_VARS[name].reset(token)


def configure_logging(level: str, json: bool, service: str) -> None:
    """Root logging to stdout: JSON lines (or plain text for local reading). Idempotent."""
    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(_ContextFilter())
    handler.setFormatter(_json_formatter(service) if json else _TextFormatter(service))
    setattr(handler, _OURS, True)

    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _OURS, False)]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level.upper())

    for name in OWN_HANDLER_LOGGERS:
        own = logging.getLogger(name)
        own.handlers.clear()
        own.propagate = True
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


_OURS = "_newsroom_handler"
ACCESS_LOGGER = "uvicorn.access"


def redact_access_paths(*prefixes: str) -> None:
    """Access-log lines show the path segment after each of ``prefixes`` as ``<redacted>``:
    pages whose address carries a secret (a signed token mailed to someone) must not leave it
    in the logs. Idempotent: the last call's prefixes hold."""
    access = logging.getLogger(ACCESS_LOGGER)
    for old in [f for f in access.filters if isinstance(f, _RedactedPaths)]:
        access.removeFilter(old)
    if prefixes:
        access.addFilter(_RedactedPaths(prefixes))


class _RedactedPaths(logging.Filter):
    def __init__(self, prefixes: tuple[str, ...]) -> None:
        super().__init__()
        alternatives = "|".join(re.escape(prefix) for prefix in prefixes)
        self._pattern = re.compile(f'({alternatives})[^/?#\\s"]+')

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self._redacted(arg) for arg in record.args)
        record.msg = self._redacted(record.msg)
        return True

    def _redacted(self, value: object) -> object:
        return self._pattern.sub(r"\1<redacted>", value) if isinstance(value, str) else value


class _ContextFilter(logging.Filter):
    """Copies the context fields that are set onto each record (as ``extra=`` would)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, var in _CONTEXT_VARS.items():
            value = var.get()
            if value is not None and not hasattr(record, name):
                setattr(record, name, value)
        return True


def _json_formatter(service: str) -> JsonFormatter:
    return JsonFormatter(
        "%(levelname)s %(name)s %(message)s",
        rename_fields={"levelname": "level", "name": "logger"},
        static_fields={"service": service},
        timestamp=True,
    )


class _TextFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__(f"%(asctime)s %(levelname)-7s {service} %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        context = " ".join(
            f"{name}={getattr(record, name)}" for name in _CONTEXT_VARS if hasattr(record, name)
        )
        if not context:
            return text
        first, newline, rest = text.partition("\n")  # keep a traceback below the context
        return f"{first} [{context}]{newline}{rest}"
