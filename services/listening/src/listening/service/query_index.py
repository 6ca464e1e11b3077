"""Each replica's matcher, kept in step with the queries of every tenant.

How a change reaches every replica within seconds: each change raises one version counter in
its own transaction, and every replica reads that counter every ``queries_poll_interval_s``
(default 2 s; one indexed read of one document) and rebuilds its matcher from all queries when
it moved. A change made through this replica rings a doorbell, so it applies here at once.

Why a version poll rather than a change stream on the queries collection: the matcher is
rebuilt from scratch anyway (one automaton over all terms), so the stream's per-document
detail buys nothing; a poll needs no resume token, cannot fall silently behind after a
dropped cursor or a failover, and heals by itself after any error. Its cost is one read per
replica per interval, whatever the write rate. A change stream would cut the delay from ~2 s to
well under one; if that is ever needed, it can ring the same doorbell.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from listening.domain.matching import Matcher
from listening.domain.query_ast import Commonness, by_length
from listening.service.ports import UnitOfWork

logger = logging.getLogger(__name__)


class QueryIndex:
    def __init__(
        self, reader: Callable[[], UnitOfWork], commonness: Commonness = by_length
    ) -> None:
        self._reader = reader
        self._commonness = commonness
        self.matcher = Matcher((), commonness)
        self.version: int | None = None

    async def refresh(self) -> int:
        """Rebuild the matcher if the queries changed; answers 1 when it did (a
        :class:`~newsroom_shared.background.BackgroundLoop` step)."""
        uow = self._reader()
        async with uow:
            # The version before the queries: a change between the two reads is then in the
            # queries but not in the version, and the next pass rebuilds again (never the
            # other way round, which would miss it).
            version = await uow.query_version.current()
            if version == self.version:
                return 0
            queries = await uow.queries.all_tenants()
        # Off the event loop: ~0.15 s for 10,000 queries, during which consumers and requests
        # of this replica would otherwise wait.
        self.matcher = await asyncio.to_thread(Matcher, queries, self._commonness)
        self.version = version
        logger.info("matcher rebuilt", extra={"queries": self.matcher.size, "version": version})
        return 1
