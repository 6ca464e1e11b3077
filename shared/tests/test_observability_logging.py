"""JSON log lines carry the service and the event or request being handled."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from newsroom_shared.observability.logging import (
    NOISY_LOGGERS,
    OWN_HANDLER_LOGGERS,
    configure_logging,
    log_context,
    redact_access_paths,
)

log = logging.getLogger("newsroom.test")


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """configure_logging changes process-wide state: put it back for the other tests."""
    root = logging.getLogger()
    touched = [logging.getLogger(name) for name in (*NOISY_LOGGERS, *OWN_HANDLER_LOGGERS)]
    saved = (
        list(root.handlers),
        root.level,
        [(lg, list(lg.handlers), lg.level, lg.propagate) for lg in touched],
    )
    yield
    handlers, level, others = saved
    root.handlers[:] = handlers
    root.setLevel(level)
    for lg, lg_handlers, lg_level, propagate in others:
        lg.handlers[:] = lg_handlers
        lg.setLevel(lg_level)
        lg.propagate = propagate


def lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_json_line_carries_the_standard_fields(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", json=True, service="publisher")
    log.info("release %s published", "r1")
    [line] = lines(capsys)
    assert line["message"] == "release r1 published"
    assert line["level"] == "INFO"
    assert line["logger"] == "newsroom.test"
    assert line["service"] == "publisher"
    assert line["timestamp"].startswith("20")
    assert "event_id" not in line
    assert "tenant_id" not in line


def test_log_context_adds_event_and_tenant_ids(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", json=True, service="distribution")
    with log_context(event_id="ev-1", tenant_id="acme"):
        log.info("handled")
        with log_context(request_id="rq-9", tenant_id="other"):
            log.info("nested")
        log.info("after nested")
    log.info("outside")
    handled, nested, after, outside = lines(capsys)
    assert (handled["event_id"], handled["tenant_id"]) == ("ev-1", "acme")
    assert "request_id" not in handled
    assert (nested["event_id"], nested["tenant_id"], nested["request_id"]) == (
        "ev-1",
        "other",
        "rq-9",
    )
    assert after["tenant_id"] == "acme"
    assert "request_id" not in after
    assert not {"event_id", "tenant_id", "request_id"} & outside.keys()


async def test_concurrent_tasks_keep_their_own_context(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO", json=True, service="comments")

    async def handle(event_id: str) -> None:
        with log_context(event_id=event_id):
            await asyncio.sleep(0)  # interleave the two tasks
            log.info("handling %s", event_id)

    await asyncio.gather(handle("a"), handle("b"))
    assert {(line["message"], line["event_id"]) for line in lines(capsys)} == {
        ("handling a", "a"),
        ("handling b", "b"),
    }


def test_extra_fields_and_exceptions_are_in_the_line(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", json=True, service="media")
    try:
        raise ValueError("bad upload")
    except ValueError:
        log.exception("upload failed", extra={"upload_id": "u1"})
    [line] = lines(capsys)
    assert line["upload_id"] == "u1"
    assert line["level"] == "ERROR"
    assert "ValueError: bad upload" in line["exc_info"]


def test_level_and_noisy_loggers(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("warning", json=True, service="listening")
    log.info("dropped")
    log.warning("kept")
    configure_logging("DEBUG", json=True, service="listening")
    logging.getLogger("aiokafka.conn").info("connected to broker")
    logging.getLogger("faststream.access.kafka").info("received message")
    logging.getLogger("httpx").info("HTTP Request: POST https://mastodon.example")
    logging.getLogger("aiokafka").warning("rebalancing")
    assert [line["message"] for line in lines(capsys)] == ["kept", "rebalancing"]


def test_configuring_twice_does_not_duplicate_lines(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", json=True, service="publisher")
    configure_logging("INFO", json=True, service="publisher")
    log.info("once")
    assert len(lines(capsys)) == 1


def test_text_mode_shows_the_context(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", json=False, service="publisher")
    with log_context(tenant_id="acme"):
        log.info("plain")
    out = capsys.readouterr().out
    assert "publisher newsroom.test: plain [tenant_id=acme]" in out


def test_unknown_context_field_is_refused() -> None:
    with pytest.raises(TypeError, match="unknown log context fields"), log_context(user="x"):
        pass


def test_access_lines_leave_out_the_tokens_of_the_paths_named(
    caplog: pytest.LogCaptureFixture,
) -> None:
    access = logging.getLogger("uvicorn.access")
    redact_access_paths("/v1/public/manage/", "/v1/public/verify/")
    redact_access_paths("/v1/public/manage/", "/v1/public/verify/")  # again: one filter
    try:
        with caplog.at_level(logging.INFO, logger="uvicorn.access"):
            for path in (
                "/api/comments/v1/public/manage/eyJ0.abc.def?lang=sv",
                "/v1/public/verify/tok-123",
                "/v1/public/releases/r1/comments",
            ):
                access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:1", "GET", path, "1.1", 200)
        lines = [record.getMessage() for record in caplog.records]
        assert len(access.filters) == 1
    finally:
        redact_access_paths()
    assert lines == [
        '127.0.0.1:1 - "GET /api/comments/v1/public/manage/<redacted>?lang=sv HTTP/1.1" 200',
        '127.0.0.1:1 - "GET /v1/public/verify/<redacted> HTTP/1.1" 200',
        '127.0.0.1:1 - "GET /v1/public/releases/r1/comments HTTP/1.1" 200',
    ]
    assert access.filters == []
