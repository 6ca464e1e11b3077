"""The relay: publishes unsent outbox entries to Kafka in order and marks them sent.

INTERFACE STUB (to be implemented).
"""

from __future__ import annotations

from newsroom_shared.mongo import Database


class OutboxRelay:
    """Runs in every replica; a :class:`~newsroom_shared.lease.Lease` decides which one publishes.

    Woken by a change stream on the outbox, with a polling fallback; publishes a batch with one
    producer flush and marks it sent with one ``update_many``.
    """

    def __init__(
        self,
        db: Database,
        bootstrap_servers: str,
        *,
        owner: str,
        batch_size: int = 500,
        poll_interval_s: float = 1.0,
        lease_ttl_s: float = 10.0,
    ) -> None:
        raise NotImplementedError

    async def start(self) -> None:
        """Start the producer and the background loop."""
        raise NotImplementedError

    async def stop(self) -> None:
        """Stop the loop (finishing the batch in flight) and the producer; release the lease."""
        raise NotImplementedError

    async def publish_pending(self) -> int:
        """One pass: publish what is unsent (if this replica holds the lease); returns the count."""
        raise NotImplementedError
