"""How a service accepts the publisher's keys: a replica of them, fed by the key events.

A service's wired object holds a :class:`KeyFollower`; its subscription table includes
:func:`api_key_subscriptions`; its app uses ``follower.authenticator``. :func:`follow_api_keys`
does all three on a bare runtime (tests, and services without a table of their own).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

from pymongo.asynchronous.client_session import AsyncClientSession

from newsroom_shared.auth.authenticator import ReplicatedKeyAuthenticator
from newsroom_shared.auth.cache import VerifiedTokens
from newsroom_shared.auth.hashing import TokenHashes
from newsroom_shared.auth.read_model import TenantMismatchError, apply_issued, apply_revoked
from newsroom_shared.auth.replica import KeyReplica
from newsroom_shared.config import ServiceSettings
from newsroom_shared.consumer.errors import PermanentError
from newsroom_shared.consumer.table import Subscription, register
from newsroom_shared.events.envelope import ReceivedEvent
from newsroom_shared.events.publisher import ApiKeyIssued, ApiKeyRevoked
from newsroom_shared.mongo import Database
from newsroom_shared.runtime import ServiceRuntime

ISSUED_HANDLER = "api-key-issued"
REVOKED_HANDLER = "api-key-revoked"
W = TypeVar("W")


class KeyFollower:
    """The replica of the staff API keys in this service's database, and the authenticator
    that checks tokens against it."""

    def __init__(
        self, db: Database, settings: ServiceSettings, hashes: TokenHashes | None = None
    ) -> None:
        self.replica = KeyReplica(db)
        self.authenticator = ReplicatedKeyAuthenticator(
            self.replica, hashes or TokenHashes(), VerifiedTokens(settings.api_key_cache_ttl_s)
        )

    async def ensure_indexes(self) -> None:
        await self.replica.ensure_indexes()

    async def issued(self, session: AsyncClientSession, received: ReceivedEvent) -> None:
        assert isinstance(received.data, ApiKeyIssued)
        current = await self.replica.find(received.data.key_id, session)
        with _mismatch_is_permanent():
            await self.replica.put(apply_issued(current, received.data), session)

    async def revoked(self, session: AsyncClientSession, received: ReceivedEvent) -> None:
        assert isinstance(received.data, ApiKeyRevoked)
        current = await self.replica.find(received.data.key_id, session)
        with _mismatch_is_permanent():
            await self.replica.put(apply_revoked(current, received.data), session)
        # Before the commit (handlers have no after-commit hook): the cache then refuses the key
        # for one TTL, so a check reading the not-yet-revoked key cannot cache it meanwhile.
        self.authenticator.forget(received.data.key_id)


def api_key_subscriptions(follower: Callable[[W], KeyFollower]) -> list[Subscription[W]]:
    """The two rows every service but the publisher has in its subscription table."""
    return [
        Subscription(
            ISSUED_HANDLER,
            ApiKeyIssued,
            lambda wired: follower(wired).issued,
            purpose="adds the key to its replica of staff API keys",
            serves_the_api=True,
        ),
        Subscription(
            REVOKED_HANDLER,
            ApiKeyRevoked,
            lambda wired: follower(wired).revoked,
            purpose="refuses the key from then on (its replica and its cache)",
            serves_the_api=True,
        ),
    ]


def without_api_keys(table: Sequence[Subscription[W]]) -> list[Subscription[W]]:
    """``table`` less the key rows: for an app given another authenticator (tests)."""
    return [row for row in table if row.name not in (ISSUED_HANDLER, REVOKED_HANDLER)]


def follow_api_keys(
    runtime: ServiceRuntime, hashes: TokenHashes | None = None
) -> ReplicatedKeyAuthenticator:
    """Keep a replica of the staff API keys on a bare runtime and authenticate with it: the
    replica's indexes before the consumers start, and the two idempotent consumers."""
    follower = KeyFollower(runtime.db, runtime.settings, hashes)
    runtime.on_prepare(follower.ensure_indexes)
    table = api_key_subscriptions(lambda same: same)
    register(runtime.broker, table, follower, db=runtime.db, settings=runtime.settings)
    return follower.authenticator


@contextmanager
def _mismatch_is_permanent() -> Iterator[None]:
    """A key id claimed by two tenants can never be applied: a dead letter, not a retry."""
    try:
        yield
    except TenantMismatchError as error:
        raise PermanentError(str(error)) from error
