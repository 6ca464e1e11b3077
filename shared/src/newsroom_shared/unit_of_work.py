"""The unit of work every service builds on: repositories sharing one session, plus the outbox.

A service subclasses :class:`MongoUnitOfWork` and builds its repositories in :meth:`_bind`.
Two ways to use one, and nothing else commits:

- ``async with uow:`` owns a transaction: committed when the block ends (a commit with an
  unknown result is sent again, see :func:`newsroom_shared.mongo.commit`), aborted when it raises.
  A write conflict surfaces as :meth:`conflict` says, for the caller to run the block again
  (``retryable`` tells whether it may).
- Built with ``session=`` it joins someone else's transaction (a consumer's inbox transaction,
  or :func:`newsroom_shared.mongo.in_transaction`); its owner commits, and calls :meth:`flush`
  to put the emitted events in the outbox first.

Events emitted go to the outbox in the same transaction as the state, so an event is published
if and only if the state it describes committed.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AsyncExitStack
from types import TracebackType
from typing import Self

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import PyMongoError

from newsroom_shared.events.base import Event
from newsroom_shared.events.envelope import Envelope
from newsroom_shared.mongo import (
    CommitHook,
    Database,
    Document,
    is_transient,
    on_commit,
    transaction,
)
from newsroom_shared.outbox import Outbox


class MongoUnitOfWork:
    def __init__(
        self,
        client: AsyncMongoClient[Document],
        db: Database,
        outbox: Outbox,
        envelope: Callable[[Event], Envelope],
        *,
        transactional: bool = True,
        session: AsyncClientSession | None = None,
    ) -> None:
        self._client = client
        self._db = db
        self._outbox = outbox
        self._envelope = envelope
        self._transactional = transactional
        self._joined = session
        self._session: AsyncClientSession | None = session
        self._pending: list[Event] = []
        self._stack: AsyncExitStack | None = None
        self._bind(session)

    @property
    def retryable(self) -> bool:
        """Whether a caller may run the block again after a conflict (not in a joined one)."""
        return self._joined is None

    def _bind(self, session: AsyncClientSession | None) -> None:
        """Build the repositories on ``session`` (None: reads outside a transaction)."""

    def conflict(self, error: PyMongoError) -> Exception:
        """What a write conflict raises; services map it to their own domain error."""
        return error

    def emit(self, event: Event) -> None:
        if self._joined is None and not self._transactional:
            raise RuntimeError("events need a transactional unit of work")
        self._pending.append(event)

    def on_commit(self, hook: CommitHook) -> None:
        """Call ``hook`` once this unit of work's transaction (its own, or the one it joined)
        committed; never when it rolls back (see :func:`newsroom_shared.mongo.on_commit`)."""
        if self._session is None:
            raise RuntimeError("on_commit needs a unit of work inside a transaction")
        on_commit(self._session, hook)

    async def flush(self) -> None:
        """Add the emitted events to the outbox, in the transaction."""
        if self._pending:
            if self._session is None:
                raise RuntimeError("events need a unit of work inside a transaction")
            pending, self._pending = self._pending, []
            await self._outbox.add(self._session, *map(self._envelope, pending))

    async def __aenter__(self) -> Self:
        self._pending = []
        if self._joined is None and self._transactional:
            self._stack = AsyncExitStack()
            session = await self._stack.enter_async_context(transaction(self._client))
            self._session = session
            self._bind(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        stack, self._stack = self._stack, None
        try:
            if exc is None:
                await self.flush()
            if stack is not None:
                await stack.__aexit__(exc_type, exc, tb)  # commits, or aborts on an exception
        except PyMongoError as error:
            if is_transient(error):
                raise self.conflict(error) from error
            raise
        finally:
            self._pending = []
            self._session = self._joined
            self._bind(self._joined)
        if isinstance(exc, PyMongoError) and is_transient(exc):
            raise self.conflict(exc) from exc
