"""Listening's unit of work: its repositories on the shared unit-of-work base."""

from __future__ import annotations

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import PyMongoError

from listening.adapters.mongo.comments import MongoComments
from listening.adapters.mongo.feeds import MongoFeeds
from listening.adapters.mongo.jetstream_cursor import MongoJetstreamCursor
from listening.adapters.mongo.mastodon_sources import MongoMastodonSources
from listening.adapters.mongo.mentions import MongoMentions
from listening.adapters.mongo.queries import MongoQueries, MongoQueryVersion
from listening.adapters.mongo.query_activity import MongoQueryActivity
from listening.adapters.mongo.releases import MongoReleases
from listening.adapters.mongo.webhook_sources import MongoWebhookSources
from listening.domain.errors import ConcurrentModificationError
from newsroom_shared.unit_of_work import MongoUnitOfWork as UnitOfWorkBase


class MongoUnitOfWork(UnitOfWorkBase):
    """``async with`` opens a transaction (or, for reads, none) and commits when it ends;
    given a ``session`` it joins that transaction (a consumer's inbox transaction)."""

    def _bind(self, session: AsyncClientSession | None) -> None:
        self.queries = MongoQueries(self._db, session)
        self.query_version = MongoQueryVersion(self._db, session)
        self.mentions = MongoMentions(self._db, session)
        self.releases = MongoReleases(self._db, session)
        self.query_activity = MongoQueryActivity(self._db, session)
        self.comments = MongoComments(self._db, session)
        self.webhook_sources = MongoWebhookSources(self._db, session)
        self.feeds = MongoFeeds(self._db, session)

        self.mastodon_sources = MongoMastodonSources(self._db, session)
        self.jetstream_cursor = MongoJetstreamCursor(self._db, session)

    def conflict(self, error: PyMongoError) -> Exception:
        return ConcurrentModificationError(str(error))
