"""The comments unit of work: its repositories on the shared unit-of-work base."""

from __future__ import annotations

from collections.abc import Callable

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import PyMongoError

from comments.adapters.mongo.audit import MongoAudit
from comments.adapters.mongo.bans import MongoBans
from comments.adapters.mongo.comments import MongoComments
from comments.adapters.mongo.mails import MongoMailOutbox
from comments.adapters.mongo.newsrooms import MongoNewsrooms
from comments.adapters.mongo.reactions import MongoReactions
from comments.adapters.mongo.releases import MongoReleases
from comments.adapters.mongo.settings import MongoSettings
from comments.adapters.mongo.verified_authors import MongoVerifiedAuthors
from comments.adapters.read_cache import ReadCaches
from comments.domain.errors import ConcurrentModificationError
from newsroom_shared.events.base import Event
from newsroom_shared.events.envelope import Envelope
from newsroom_shared.mongo import Database, Document
from newsroom_shared.outbox import Outbox
from newsroom_shared.page_versions import PagesChanged, PageVersionedUnitOfWork


class MongoUnitOfWork(PageVersionedUnitOfWork):
    """``async with`` opens a transaction (or, for reads, none) and commits when it ends.

    Given a ``session`` it joins that transaction instead (a consumer's inbox transaction) and
    neither commits nor may be retried: the transaction's owner does both.

    A write that changes what a release's public thread or count shows raises that release's
    page version (or, for settings, the newsroom's) in the same transaction (``page_versions``),
    so the cached answer is known stale exactly when it is; ``pages_changed`` hears of it
    after a commit of its own.
    """

    def __init__(
        self,
        client: AsyncMongoClient[Document],
        db: Database,
        outbox: Outbox,
        envelope: Callable[[Event], Envelope],
        caches: ReadCaches | None = None,
        *,
        transactional: bool = True,
        session: AsyncClientSession | None = None,
        pages_changed: PagesChanged | None = None,
    ) -> None:
        self._caches = caches or ReadCaches.off()  # before the base binds the repositories
        super().__init__(
            client,
            db,
            outbox,
            envelope,
            transactional=transactional,
            session=session,
            pages_changed=pages_changed,
        )

    def _bind(self, session: AsyncClientSession | None) -> None:
        pages = self._fresh_pages()
        self.releases = MongoReleases(self._db, session, self._caches.releases, pages)
        self.newsrooms = MongoNewsrooms(self._db, session, self._caches.newsrooms)
        self.settings = MongoSettings(self._db, session, self._caches.settings, pages)
        self.comments = MongoComments(self._db, session, pages)
        self.reactions = MongoReactions(self._db, session)
        self.bans = MongoBans(self._db, session)
        self.audit = MongoAudit(self._db, session)
        self.mails = MongoMailOutbox(self._db, session)
        self.verified_authors = MongoVerifiedAuthors(self._db, session)

    def conflict(self, error: PyMongoError) -> Exception:
        return ConcurrentModificationError(str(error))
