"""The unit of work: repositories sharing one transaction's session, plus the outbox.

Events a use case emits go to the shared outbox in the same transaction as its state
(:meth:`MongoUnitOfWork.flush`), so a DeliverySucceeded is published if and only if the
delivery's new state committed. Who owns the transaction (the consumer's inbox transaction, or
:meth:`distribution.bootstrap.Distribution.transact`) commits it; the unit of work never does.
"""

from __future__ import annotations

from collections.abc import Callable

from pymongo.asynchronous.client_session import AsyncClientSession

from distribution.adapters.crypto import CredentialCipher
from distribution.adapters.mongo.channels import MongoChannels
from distribution.adapters.mongo.confirmations import MongoConfirmations
from distribution.adapters.mongo.deliveries import MongoDeliveries
from distribution.adapters.mongo.failures import MongoFailedAttempts
from distribution.adapters.mongo.fanouts import MongoFanOuts
from distribution.adapters.mongo.newsrooms import MongoNewsrooms
from distribution.adapters.mongo.releases import MongoReleases
from distribution.adapters.mongo.subscribers import MongoSubscribers
from distribution.adapters.mongo.suppressions import MongoSuppressions
from newsroom_shared.events.base import Event
from newsroom_shared.events.envelope import Envelope
from newsroom_shared.mongo import Database
from newsroom_shared.outbox import Outbox


class MongoUnitOfWork:
    """Repositories on ``session`` (None: reads outside a transaction, no events)."""

    def __init__(
        self,
        db: Database,
        outbox: Outbox,
        envelope: Callable[[Event], Envelope],
        cipher: CredentialCipher,
        session: AsyncClientSession | None = None,
    ) -> None:
        self._outbox = outbox
        self._envelope = envelope
        self._session = session
        self._pending: list[Event] = []
        self.channels = MongoChannels(db, cipher, session)
        self.subscribers = MongoSubscribers(db, session)
        self.deliveries = MongoDeliveries(db, session)
        self.releases = MongoReleases(db, session)
        self.newsrooms = MongoNewsrooms(db, session)
        self.suppressions = MongoSuppressions(db, session)
        self.confirmations = MongoConfirmations(db, session)
        self.failed_attempts = MongoFailedAttempts(db, session)
        self.fan_outs = MongoFanOuts(db, session)

    def emit(self, event: Event) -> None:
        if self._session is None:
            raise RuntimeError("events need a unit of work inside a transaction")
        self._pending.append(event)

    async def flush(self) -> None:
        """Adds the emitted events to the outbox, in the transaction."""
        if self._pending:
            assert self._session is not None
            pending, self._pending = self._pending, []
            await self._outbox.add(self._session, *map(self._envelope, pending))
