"""The unit of work over MongoDB: repositories sharing one transaction, plus the outbox."""

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
from newsroom_shared.mongo import Database, Document, transaction
from newsroom_shared.outbox import Outbox
from publisher.adapters.mongo.api_keys import MongoApiKeys
from publisher.adapters.mongo.media import MongoMedia
from publisher.adapters.mongo.newsrooms import MongoNewsrooms
from publisher.adapters.mongo.releases import MongoReleases
from publisher.adapters.mongo.tenants import MongoTenants
from publisher.adapters.mongo.versions import MongoVersions
from publisher.domain.errors import ConcurrentModificationError

TRANSIENT = "TransientTransactionError"


class MongoUnitOfWork:
    """``async with`` opens a transaction (or, for reads, none) and commits when it ends.

    Given a ``session`` it joins that transaction instead (a consumer's inbox transaction) and
    neither commits nor may be retried: the transaction's owner does both.
    """

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
        self.retryable = session is None
        self._pending: list[Event] = []
        self._stack: AsyncExitStack | None = None
        self._bind(session)

    def _bind(self, session: AsyncClientSession | None) -> None:
        self._session = session
        self.tenants = MongoTenants(self._db, session)
        self.newsrooms = MongoNewsrooms(self._db, session)
        self.api_keys = MongoApiKeys(self._db, session)
        self.releases = MongoReleases(self._db, session)
        self.versions = MongoVersions(self._db, session)
        self.media = MongoMedia(self._db, session)

    def emit(self, event: Event) -> None:
        if not self._transactional and self._joined is None:
            raise RuntimeError("events need a transactional unit of work")
        self._pending.append(event)

    async def __aenter__(self) -> Self:
        self._pending = []
        if self._joined is None and self._transactional:
            self._stack = AsyncExitStack()
            session = await self._stack.enter_async_context(transaction(self._client))
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
            if exc is None and self._pending:
                assert self._session is not None
                await self._outbox.add(self._session, *map(self._envelope, self._pending))
            if stack is not None:
                # Commits when no exception is passed, aborts otherwise.
                await stack.__aexit__(exc_type, exc, tb)
        except PyMongoError as error:
            if _transient(error):
                raise ConcurrentModificationError(str(error)) from error
            raise
        finally:
            self._pending = []
            self._bind(self._joined)
        if isinstance(exc, PyMongoError) and _transient(exc):
            raise ConcurrentModificationError(str(exc)) from exc


def _transient(error: PyMongoError) -> bool:
    """A write conflict (or a lost primary): another writer won, the command may run again."""
    return error.has_error_label(TRANSIENT)
