"""Applying one consumed batch: the retry and dead-letter logic every service shares.

Steps, for the records one ``getmany`` returned:

1. Parse each record against the contract; an ``InvalidEventError`` is a dead letter at once.
   The same event twice in the batch is kept once.
2. In ONE transaction: the events get their inbox records (one ``insert_many``) and the handler
   is called once per event with the same session (or, for an :data:`EventsHandler`, once with
   all of them, so it can write them in bulk). The transaction commits, or nothing of it
   happened. The inbox is not asked first: a redelivery is rare, and the unique inbox key
   refuses it (the transaction is then rolled back before the handler ran), so only then is the
   batch applied again, in a transaction that asks the inbox which events it already holds and
   records and applies the rest. One command fewer per batch on the common path.
3. A handler's :class:`PermanentError` dead-letters that event at once and the rest are tried
   again. When an ``EventsHandler`` fails for several events at once (it cannot say which one
   is at fault), the events are applied one at a time straight away. Any other error retries the
   batch with exponential backoff and jitter; when the attempts run out the events are applied
   one at a time, each with its own retries, so only the failing ones become dead letters.
   A batch that loses a write race twice in a row (a write conflict: other writers keep
   changing documents it writes, as when two consumers of one read model work off a backlog)
   is applied in halves, in order, each with its own retries: smaller transactions conflict
   less, and each commits its part instead of the whole batch failing again and again.
4. Dead letters are produced to ``<topic>.dlq``; only then is the batch done (the caller commits).

Errors of the database itself (unreachable, transient transaction errors), whether they come from
our steps or from inside the handler, are never an event's fault: when their retries run out the
processor raises :class:`ConsumerUnavailableError` and dead-letters nothing, so the caller can
leave the offsets uncommitted and read the batch again.

Why a handler wrapper, not a FastStream middleware: a middleware sees the batch as one opaque
message and its ``call_next`` can only run the whole batch again, while step 3 must run the
handler for a subset of the events (and for single events) and know which event failed. A
middleware that rebuilt FastStream messages for subsets would re-implement the parsing anyway.
So the single implementation is this processor, and :func:`~.subscribe.subscribe` is the one
place that wires it to a FastStream subscriber for every service.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import BulkWriteError, ConnectionFailure, DuplicateKeyError, PyMongoError

from newsroom_shared.consumer.dead_letters import DeadLetter, DeadLetterPublisher
from newsroom_shared.consumer.errors import ConsumerUnavailableError, PermanentError
from newsroom_shared.consumer.inbox import Inbox
from newsroom_shared.consumer.metrics import ReasonKind, count_consumed
from newsroom_shared.consumer.retry import RetryPolicy
from newsroom_shared.events.base import Event
from newsroom_shared.events.envelope import InvalidEventError, ReceivedEvent, parse
from newsroom_shared.mongo import Database, transaction
from newsroom_shared.observability.logging import log_context

logger = logging.getLogger(__name__)

EventHandler = Callable[[AsyncClientSession, ReceivedEvent], Awaitable[None]]
"""Applies one event inside the transaction that also records its id (so it applies once)."""

EventsHandler = Callable[[AsyncClientSession, Sequence[ReceivedEvent]], Awaitable[None]]
"""Applies a batch of events in that transaction: for effects written in bulk (``insert_many``)."""

_TRANSIENT_LABELS = ("TransientTransactionError", "UnknownTransactionCommitResult")
_DUPLICATE_KEY = 11000


class _SeenBeforeError(Exception):
    """The inbox refused a record: some event of the batch was applied before."""


def _is_duplicate_key(error: PyMongoError) -> bool:
    if isinstance(error, DuplicateKeyError):
        return True
    if not isinstance(error, BulkWriteError):
        return False
    write_errors = error.details.get("writeErrors") or []
    return bool(write_errors) and all(e.get("code") == _DUPLICATE_KEY for e in write_errors)


@dataclass(slots=True)
class _Pending:
    """A parsed event waiting to be applied, and how many attempts included it."""

    record: Any
    event: ReceivedEvent
    key: str
    attempts: int = 0

    def dead_letter(self, reason_kind: ReasonKind, error: BaseException) -> DeadLetter:
        return DeadLetter(self.record, reason_kind, error, self.attempts)


class _EventFailedError(Exception):
    """A per-event handler raised for the event at ``index`` of the batch."""

    def __init__(self, index: int, cause: Exception) -> None:
        super().__init__(str(cause))
        self.index = index
        self.cause = cause


def one_by_one(handler: EventHandler) -> EventsHandler:
    """An ``EventsHandler`` calling a per-event handler in order, saying which event failed."""

    async def handle(session: AsyncClientSession, events: Sequence[ReceivedEvent]) -> None:
        for index, event in enumerate(events):
            try:
                with log_context(event_id=event.id, tenant_id=event.tenant_id):
                    await handler(session, event)
            except Exception as error:
                raise _EventFailedError(index, error) from error

    return handle


class _HandlerError(Exception):
    """The handler raised while applying ``pending`` (the transaction was rolled back);
    ``pending`` is None when a batch handler failed for several events at once."""

    def __init__(self, pending: _Pending | None, cause: Exception) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.pending = pending
        self.cause = cause


@dataclass(slots=True)
class BatchResult:
    """What became of a batch: applied now, applied before (or twice in it), dead letters."""

    applied: int = 0
    duplicates: int = 0
    dead_letters: list[DeadLetter] = field(default_factory=list)


def is_infrastructure_error(error: BaseException) -> bool:
    """True when the database, not the event, is at fault (see the module docstring)."""
    cause = error.cause if isinstance(error, _HandlerError) else None
    if cause is None:
        return True  # our own steps (inbox, transaction) failed
    if isinstance(cause, ConnectionFailure):
        return True
    return isinstance(cause, PyMongoError) and any(map(cause.has_error_label, _TRANSIENT_LABELS))


def lost_a_write_race(error: BaseException) -> bool:
    """True for a transaction aborted because another writer changed a document it wrote
    (a write conflict, or the server aborting it for that reason), not for an unreachable
    server: splitting the batch helps with the first only."""
    cause = error.cause if isinstance(error, _HandlerError) else error
    return (
        isinstance(cause, PyMongoError)
        and not isinstance(cause, ConnectionFailure)
        and cause.has_error_label("TransientTransactionError")
    )


class BatchProcessor:
    """Applies batches of one event type for one consumer (see the module docstring)."""

    def __init__(
        self,
        *,
        event_class: type[Event],
        handler: EventsHandler,
        db: Database,
        name: str,
        policy: RetryPolicy,
        inbox: Inbox,
        dead_letters: DeadLetterPublisher,
        after_commit: Callable[[], None] | None = None,
    ) -> None:
        self._event_class = event_class
        self._after_commit = after_commit
        self._handler = handler
        self._db = db
        self._name = name
        self._policy = policy
        self._inbox = inbox
        self._dead_letters = dead_letters
        self._indexes_ready = False

    async def process(self, records: Sequence[Any]) -> BatchResult:
        """Apply ``records`` (aiokafka ``ConsumerRecord``s); raises ConsumerUnavailableError."""
        result = BatchResult()
        pending = self._parse(records, result)
        if pending:
            await self._apply(pending, result)
        if result.applied and self._after_commit is not None:
            self._after_commit()  # the effects are committed now: others may act on them
        await self._dead_letters.publish(result.dead_letters)
        if records:
            self._count(records[0].topic, result)
        return result

    def _parse(self, records: Sequence[Any], result: BatchResult) -> list[_Pending]:
        pending: dict[str, _Pending] = {}
        for record in records:
            try:
                event = parse(self._event_class, record.headers, record.value or b"")
            except InvalidEventError as error:
                result.dead_letters.append(DeadLetter(record, "invalid", error, attempts=1))
                continue
            key = self._inbox.key(event)
            if key in pending:
                result.duplicates += 1
            else:
                pending[key] = _Pending(record, event, key)
        return list(pending.values())

    async def _apply(self, pending: list[_Pending], result: BatchResult) -> None:
        """Apply ``pending`` in one transaction per attempt, with retries and the split."""
        remaining = list(pending)
        failures = 0
        while remaining:
            for item in remaining:
                item.attempts += 1
            try:
                applied, duplicates = await self._apply_once(remaining)
            except _HandlerError as failed:
                if failed.pending is None and not is_infrastructure_error(failed):
                    for item in remaining:  # which event is at fault? one at a time tells
                        await self._apply([item], result)
                    return
                if failed.pending is not None and isinstance(failed.cause, PermanentError):
                    remaining.remove(failed.pending)
                    letter = failed.pending.dead_letter("permanent", failed.cause)
                    result.dead_letters.append(letter)
                    continue  # not a failed attempt: the others may well apply
                error: Exception = failed
            except Exception as other:
                error = other
            else:
                result.applied += applied
                result.duplicates += duplicates
                return
            if failures and len(remaining) > 1 and lost_a_write_race(error):
                # A second conflict in a row: other writers keep winning documents this batch
                # writes (a backlog read by two consumers of one read model, say). Smaller
                # transactions conflict less and each commits its part; halves keep the order.
                half = len(remaining) // 2
                await self._apply(remaining[:half], result)
                await self._apply(remaining[half:], result)
                return
            failures += 1
            if failures >= self._policy.max_attempts:
                await self._exhausted(remaining, error, result)
                return
            delay = self._policy.delay(failures)
            logger.warning(
                "%s: applying %d event(s) failed (attempt %d of %d), retrying in %.2fs: %s",
                self._name,
                len(remaining),
                failures,
                self._policy.max_attempts,
                delay,
                error,
            )
            await asyncio.sleep(delay)

    async def _apply_once(self, pending: Sequence[_Pending]) -> tuple[int, int]:
        """One transaction that records and applies ``pending``; if the inbox holds some of
        them already, another that skips those (see the module docstring, step 2)."""
        if not self._indexes_ready:
            await self._inbox.ensure_indexes()
            self._indexes_ready = True
        try:
            return await self._record_and_apply(pending, look_up_first=False)
        except _SeenBeforeError:
            return await self._record_and_apply(pending, look_up_first=True)

    async def _record_and_apply(
        self, pending: Sequence[_Pending], *, look_up_first: bool
    ) -> tuple[int, int]:
        async with transaction(self._db.client) as session:
            fresh = list(pending)
            if look_up_first:
                done = await self._inbox.applied(session, [item.event for item in pending])
                fresh = [item for item in pending if item.key not in done]
                if not fresh:
                    return 0, len(pending)
            try:
                await self._inbox.record(session, (item.event for item in fresh))
            except PyMongoError as error:
                if not look_up_first and _is_duplicate_key(error):
                    raise _SeenBeforeError() from error  # rolls the transaction back
                raise
            try:
                await self._handler(session, [item.event for item in fresh])
            except _EventFailedError as failed:
                raise _HandlerError(fresh[failed.index], failed.cause) from failed.cause
            except Exception as error:
                raise _HandlerError(fresh[0] if len(fresh) == 1 else None, error) from error
        return len(fresh), len(pending) - len(fresh)

    async def _exhausted(
        self, remaining: list[_Pending], error: Exception, result: BatchResult
    ) -> None:
        if is_infrastructure_error(error):
            message = f"{self._name}: cannot apply events: {error}"
            raise ConsumerUnavailableError(message) from error
        if len(remaining) > 1:
            for item in remaining:
                await self._apply([item], result)
            return
        cause = error.cause if isinstance(error, _HandlerError) else error
        result.dead_letters.append(remaining[0].dead_letter("exhausted", cause))

    def _count(self, topic: str, result: BatchResult) -> None:
        count_consumed(topic, self._name, "applied", result.applied)
        count_consumed(topic, self._name, "duplicate", result.duplicates)
        count_consumed(topic, self._name, "dead_lettered", len(result.dead_letters))
