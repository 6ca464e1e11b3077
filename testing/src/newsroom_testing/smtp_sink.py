"""A real SMTP server for tests and benchmarks: aiosmtpd on 127.0.0.1, recording what it gets.

It runs in its own thread and event loop (aiosmtpd's ``Controller``), so the code under test
talks to it over a real socket. It can be told to refuse the next messages (4xx or 5xx at DATA),
to refuse one recipient (550 at RCPT), or to drop connections, mid-message or all at once.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
import weakref
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

HOST = "127.0.0.1"
DROP = "drop"  # instead of a reply: close the connection at DATA


@dataclass(frozen=True, slots=True)
class ReceivedMail:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


class SmtpSink:
    """Accepts everything unless told otherwise; ``received`` holds what it accepted."""

    def __init__(self, *, parse: bool = True) -> None:
        self.host = HOST
        self.port = free_port()
        self._parse = parse  # benchmarks count messages and skip the parsing cost
        self._lock = threading.Lock()
        self.received: list[ReceivedMail] = []
        self.accepted = 0
        self._next_replies: deque[str] = deque()
        self._refused_recipients: dict[str, str] = {}
        self._servers: weakref.WeakSet[SMTP] = weakref.WeakSet()
        self._controller = _Controller(self, hostname=HOST, port=self.port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def reject_next(self, count: int = 1, code: int = 451) -> None:
        """Refuse the next ``count`` messages at DATA with ``code`` (4xx or 5xx)."""
        text = "4.7.1 try again later" if code < 500 else "5.7.1 message refused"
        with self._lock:
            self._next_replies.extend([f"{code} {text}"] * count)

    def reject_recipient(self, address: str, code: int = 550) -> None:
        """Refuse ``address`` at RCPT from now on."""
        with self._lock:
            self._refused_recipients[address] = f"{code} 5.1.1 <{address}>: no such user"

    def drop_next(self, count: int = 1) -> None:
        """Close the connection at the DATA of the next ``count`` messages, without a reply."""
        with self._lock:
            self._next_replies.extend([DROP] * count)

    def drop_connections(self) -> None:
        """Close every open connection now, as a server restart or idle timeout would."""
        future = asyncio.run_coroutine_threadsafe(self._close_all(), self._controller.loop)
        future.result(timeout=5)

    @property
    def open_connections(self) -> int:
        return sum(1 for server in list(self._servers) if _is_open(server))

    def received_by(self, address: str) -> list[ReceivedMail]:
        with self._lock:
            return [mail for mail in self.received if address in mail.rcpt_tos]

    async def _close_all(self) -> None:
        for server in list(self._servers):
            if server.transport is not None:
                server.transport.close()

    # aiosmtpd handler hooks (called in the sink's thread)

    def track(self, server: SMTP) -> None:
        self._servers.add(server)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        with self._lock:
            refusal = self._refused_recipients.get(address)
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        with self._lock:
            reply = self._next_replies.popleft() if self._next_replies else None
        if reply == DROP:
            if server.transport is not None:
                server.transport.close()
            return "421 4.4.2 connection dropped"  # never arrives: the transport is closed
        if reply is not None:
            return reply
        content = envelope.original_content or b""
        mail = ReceivedMail(
            mail_from=str(envelope.mail_from),
            rcpt_tos=tuple(envelope.rcpt_tos),
            message=_parsed(content) if self._parse else EmailMessage(),
        )
        with self._lock:
            self.accepted += 1
            if self._parse:
                self.received.append(mail)
        return "250 2.0.0 OK: queued"


def _parsed(content: bytes) -> EmailMessage:
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _is_open(server: SMTP) -> bool:
    return server.transport is not None and not server.transport.is_closing()


class _Controller(Controller):
    """Records each connection's server, so the sink can drop them all."""

    def __init__(self, sink: SmtpSink, **kwargs: Any) -> None:
        super().__init__(sink, **kwargs)
        self._sink = sink

    def factory(self) -> SMTP:
        server = SMTP(self.handler, **self.SMTP_kwargs)  # what Controller.factory does
        self._sink.track(server)
        return server


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()
