"""Distribution's unit of work: its repositories on the shared unit-of-work base.

Events a use case emits go to the shared outbox in the same transaction as its state
(:meth:`MongoUnitOfWork.flush`), so a DeliverySucceeded is published if and only if the
delivery's new state committed. Who owns the transaction (the consumer's inbox transaction, or
:meth:`distribution.bootstrap.Distribution.transact`) commits it; built without a session and
with ``transactional=False`` it serves reads and writes each atomic on its own (the worker's
claims), and refuses events.
"""

from __future__ import annotations

from collections.abc import Callable

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession

from distribution.adapters.crypto import CredentialCipher
from distribution.adapters.mongo.alerts import MongoAlertRecipients, MongoAlerts
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
from newsroom_shared.mongo import Database, Document
from newsroom_shared.outbox import Outbox
from newsroom_shared.unit_of_work import MongoUnitOfWork as UnitOfWorkBase


class MongoUnitOfWork(UnitOfWorkBase):
    """Repositories on ``session`` (None: outside any transaction)."""

    def __init__(
        self,
        client: AsyncMongoClient[Document],
        db: Database,
        outbox: Outbox,
        envelope: Callable[[Event], Envelope],
        cipher: CredentialCipher,
        *,
        transactional: bool = True,
        session: AsyncClientSession | None = None,
    ) -> None:
        self._cipher = cipher  # before the base binds the repositories: channels need it
        super().__init__(client, db, outbox, envelope, transactional=transactional, session=session)

    def _bind(self, session: AsyncClientSession | None) -> None:
        db = self._db
        self.channels = MongoChannels(db, self._cipher, session)
        self.subscribers = MongoSubscribers(db, session)
        self.deliveries = MongoDeliveries(db, session)
        self.releases = MongoReleases(db, session)
        self.newsrooms = MongoNewsrooms(db, session)
        self.suppressions = MongoSuppressions(db, session)
        self.confirmations = MongoConfirmations(db, session)
        self.failed_attempts = MongoFailedAttempts(db, session)
        self.fan_outs = MongoFanOuts(db, session)
        self.alert_recipients = MongoAlertRecipients(db, session)
        self.alerts = MongoAlerts(db, session)
