"""Sending release emails over SMTP: a pool of persistent connections, paced by a token bucket.

Each message goes to exactly one recipient (its unsubscribe link and Message-ID are that
recipient's), so one message has one :data:`~distribution.domain.outcomes.Outcome`. The reply
decides it: 250 is a :class:`Success` carrying the Message-ID, 4xx is transient, 5xx permanent
(:func:`classify_smtp_reply`), and a lost connection is transient and the session is replaced.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from types import TracebackType

import aiosmtplib
from aiosmtplib.email import extract_recipients, extract_sender, flatten_message, parse_address

from distribution.adapters.smtp_pool import ConnectionPool, PooledConnection
from distribution.adapters.transport_errors import classify_error
from distribution.domain.email.wire import PreparedMessage
from distribution.domain.outcomes import (
    Outcome,
    PermanentFailure,
    Success,
    TransientFailure,
    classify_smtp_reply,
)
from newsroom_shared.token_bucket import PacedBucket

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    """Where and how to send; the service's settings fill this in."""

    host: str
    port: int = 587
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    use_tls: bool = False  # implicit TLS from the first byte (port 465)
    start_tls: bool | None = None  # None: upgrade when the server offers STARTTLS
    validate_certs: bool = True
    timeout_s: float = 30.0  # connect and each command
    local_hostname: str | None = None  # for EHLO; None: this host's FQDN
    pool_size: int = 4
    rate_per_s: float | None = None  # None: as fast as the server takes them
    burst: int = 1
    # Some servers refuse more messages per session than this: start a new one before that.
    max_messages_per_connection: int | None = None
    # The bounce address (MAIL FROM); None: the From header's address.
    envelope_from: str | None = None


def make_client(config: SmtpConfig) -> aiosmtplib.SMTP:
    return aiosmtplib.SMTP(
        hostname=config.host,
        port=config.port,
        username=config.username,
        password=config.password,
        use_tls=config.use_tls,
        start_tls=config.start_tls,
        validate_certs=config.validate_certs,
        timeout=config.timeout_s,
        local_hostname=config.local_hostname,
    )


class _NothingSentError(Exception):
    """The session was gone before MAIL FROM: the server has nothing, so trying again is safe."""


@dataclass(frozen=True, slots=True)
class _Envelope:
    sender: str
    recipient: str

    @classmethod
    def of_prepared(cls, message: PreparedMessage, envelope_from: str | None) -> _Envelope:
        return cls(parse_address(envelope_from or message.sender), parse_address(message.recipient))

    @classmethod
    def of(cls, message: EmailMessage, envelope_from: str | None) -> _Envelope:
        recipients = extract_recipients(message)
        if len(recipients) != 1:
            raise ValueError(f"one recipient per message, got {len(recipients)}")
        sender = envelope_from or extract_sender(message)
        if not sender:
            raise ValueError("the message has no From header")
        # parse_address refuses what cannot go on a command line (CR, LF): a bad address is
        # this recipient's permanent failure, found before a session is taken.
        return cls(parse_address(sender), parse_address(recipients[0]))

    @property
    def utf8(self) -> bool:
        return not (self.sender + self.recipient).isascii()


def _wire_data(
    message: EmailMessage | PreparedMessage, envelope: _Envelope, eight_bit: bool
) -> bytes:
    """The bytes after DATA: a prepared message as it is (unless it needs 8BITMIME the server
    lacks), else the message flattened for what the server supports."""
    if isinstance(message, PreparedMessage):
        if eight_bit or not message.eight_bit:
            return message.data
        message = message.slow()
    return flatten_message(message, utf8=envelope.utf8, cte_type="8bit" if eight_bit else "7bit")


async def _transmit(
    client: aiosmtplib.SMTP, envelope: _Envelope, message: EmailMessage | PreparedMessage
) -> None:
    """MAIL, RCPT, DATA on an open session; raises what the server or the network did."""
    if envelope.utf8 and not client.supports_extension("smtputf8"):
        raise aiosmtplib.SMTPNotSupported("a non-ASCII address, and no SMTPUTF8 on the server")
    eight_bit = client.supports_extension("8bitmime")
    data = _wire_data(message, envelope, eight_bit)
    options = [f"SIZE={len(data)}"] if client.supports_extension("size") else []
    options += ["BODY=8BITMIME"] if eight_bit else []
    options += ["SMTPUTF8"] if envelope.utf8 else []
    encoding = "utf-8" if envelope.utf8 else "ascii"
    try:
        await client.mail(envelope.sender, options=options, encoding=encoding)
    except aiosmtplib.SMTPServerDisconnected as error:
        raise _NothingSentError from error
    except aiosmtplib.SMTPResponseException:
        await _reset(client)
        raise
    try:
        await client.rcpt(envelope.recipient, encoding=encoding)
        await client.data(data)
    except aiosmtplib.SMTPResponseException:
        await _reset(client)
        raise


async def _reset(client: aiosmtplib.SMTP) -> None:
    """RSET after a refusal, so the session can carry the next message."""
    try:
        await client.rset()
    except (aiosmtplib.SMTPException, OSError):
        client.close()  # the next use opens a new session


def _outcome_of(error: BaseException) -> Outcome:
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return classify_smtp_reply(error.code, error.message)
    if (transient := classify_error(error)) is not None:
        return transient
    if isinstance(error, OSError):  # DNS failures and the like, below ConnectionError
        return TransientFailure(f"connection failed: {type(error).__name__}: {error}")
    # SMTPNotSupported, STARTTLS missing, a bad address: configuration or data, not luck.
    return PermanentFailure(f"{type(error).__name__}: {error}")


class SmtpSender:
    """Sends messages through ``config.pool_size`` persistent SMTP sessions.

    ``start()`` opens the sessions (a failure there is logged and retried on first use);
    ``stop()`` waits for sends in flight and says QUIT. Also an async context manager.
    """

    def __init__(
        self,
        config: SmtpConfig,
        *,
        bucket: PacedBucket | None = None,
        pool: ConnectionPool | None = None,
    ) -> None:
        self.config = config
        if bucket is None and config.rate_per_s is not None:
            bucket = PacedBucket(config.rate_per_s, config.burst)
        self._bucket = bucket
        self._pool = pool or ConnectionPool(
            functools.partial(make_client, config),
            config.pool_size,
            config.max_messages_per_connection,
        )
        self._stopped = False

    async def start(self) -> None:
        await self._pool.open()

    async def stop(self) -> None:
        self._stopped = True
        await self._pool.close()

    async def __aenter__(self) -> SmtpSender:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    async def send(self, message: EmailMessage | PreparedMessage) -> Outcome:
        """Send one single-recipient message (built, or prepared in wire form); what happened,
        never an exception for SMTP trouble (a bug in our code still raises)."""
        if self._stopped:
            raise RuntimeError("the SMTP sender is stopped")
        try:
            if isinstance(message, PreparedMessage):
                envelope = _Envelope.of_prepared(message, self.config.envelope_from)
            else:
                envelope = _Envelope.of(message, self.config.envelope_from)
        except ValueError as error:
            return PermanentFailure(f"cannot send: {error}")
        if self._bucket is not None:
            await self._bucket.acquire()
        async with self._pool.connection() as connection:
            return await self._send_on(connection, envelope, message)

    async def _send_on(
        self,
        connection: PooledConnection,
        envelope: _Envelope,
        message: EmailMessage | PreparedMessage,
    ) -> Outcome:
        for attempt in (1, 2):
            try:
                client = await connection.ready()
                await _transmit(client, envelope, message)
            except _NothingSentError as error:
                connection.discard()
                if attempt == 2:
                    return _outcome_of(error.__cause__ or error)
                continue  # a session closed while idle: once more on a fresh one
            except aiosmtplib.SMTPResponseException as error:
                return _outcome_of(error)  # the session is fine (or closed itself on 421)
            except (aiosmtplib.SMTPException, OSError) as error:
                connection.discard()
                # DEBUG: in an outage this happens for every message; the outcome says it too.
                logger.debug("SMTP: %r to %s:%d", error, self.config.host, self.config.port)
                return _outcome_of(error)
            connection.count_sent()
            return Success(remote_id=_message_id(message))
        raise AssertionError("unreachable")

    async def send_many(
        self, messages: Iterable[EmailMessage], concurrency: int | None = None
    ) -> AsyncIterator[tuple[EmailMessage, Outcome]]:
        """Send ``messages`` with ``concurrency`` sends in flight (default: the pool size),
        yielding each with its outcome as it completes (not in input order).

        ``messages`` is read lazily, so a generator that builds each message keeps memory flat.
        Leaving the loop early cancels the sends not yet done.
        """
        workers = concurrency or self._pool.size
        source = iter(messages)
        results: asyncio.Queue[tuple[EmailMessage, Outcome] | None] = asyncio.Queue(workers * 2)
        running = asyncio.create_task(self._drain(source, results, workers))
        try:
            while (result := await results.get()) is not None:
                yield result
            await running  # raises what a worker raised
        finally:
            running.cancel()
            # wait(), not await: the task's own cancellation must not look like ours.
            await asyncio.wait([running])

    async def _drain(
        self,
        source: Iterator[EmailMessage],
        results: asyncio.Queue[tuple[EmailMessage, Outcome] | None],
        workers: int,
    ) -> None:
        async def worker() -> None:
            # One shared iterator: next() runs between awaits, so no message is taken twice.
            for message in source:
                await results.put((message, await self.send(message)))

        try:
            async with asyncio.TaskGroup() as group:
                for _ in range(workers):
                    group.create_task(worker())
        except Exception:
            await results.put(None)  # wake the reader, which then raises what went wrong
            raise
        await results.put(None)


def _message_id(message: EmailMessage | PreparedMessage) -> str | None:
    if isinstance(message, PreparedMessage):
        return message.message_id
    value = message.get("Message-ID")
    return str(value).strip() if value else None
