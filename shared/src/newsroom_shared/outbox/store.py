"""Writing events into the outbox, inside the caller's transaction.

INTERFACE STUB (to be implemented).
"""

from __future__ import annotations

from pymongo.asynchronous.client_session import AsyncClientSession

from newsroom_shared.events.envelope import Envelope
from newsroom_shared.mongo import Database


class Outbox:
    """Collection ``outbox``: one document per event, ``sent_at`` null until the relay publishes."""

    COLLECTION = "outbox"

    def __init__(self, db: Database) -> None:
        raise NotImplementedError

    async def ensure_indexes(self) -> None:
        raise NotImplementedError

    async def add(self, session: AsyncClientSession, *envelopes: Envelope) -> None:
        """Insert the events in the caller's transaction (``session`` must be in one)."""
        raise NotImplementedError
