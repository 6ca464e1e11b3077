"""``follow_api_keys(runtime)``: the one call that lets a service accept the publisher's keys."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pymongo.asynchronous.client_session import AsyncClientSession

from newsroom_shared.auth.authenticator import ReplicatedKeyAuthenticator
from newsroom_shared.auth.cache import VerifiedTokens
from newsroom_shared.auth.hashing import TokenHashes
from newsroom_shared.auth.read_model import TenantMismatchError, apply_issued, apply_revoked
from newsroom_shared.auth.replica import KeyReplica
from newsroom_shared.consumer.errors import PermanentError
from newsroom_shared.consumer.subscribe import OFF_PATH_FETCH_WAIT_MS, subscribe
from newsroom_shared.events.envelope import ReceivedEvent
from newsroom_shared.events.publisher import ApiKeyIssued, ApiKeyRevoked
from newsroom_shared.runtime import ServiceRuntime

ISSUED_HANDLER = "api-key-issued"
REVOKED_HANDLER = "api-key-revoked"


def follow_api_keys(
    runtime: ServiceRuntime, hashes: TokenHashes | None = None
) -> ReplicatedKeyAuthenticator:
    """Keep a replica of the staff API keys in this service's database and authenticate with it.

    Call it in ``create_app`` before the app starts, and put the result at
    ``app.state.authenticator``. It registers the replica's indexes (``on_prepare``) and two
    idempotent consumers (``api-key-issued``, ``api-key-revoked``) on ``runtime.broker``.
    """
    replica = KeyReplica(runtime.db)
    authenticator = ReplicatedKeyAuthenticator(
        replica,
        hashes or TokenHashes(),
        VerifiedTokens(runtime.settings.api_key_cache_ttl_s),
    )

    async def issued(session: AsyncClientSession, received: ReceivedEvent) -> None:
        assert isinstance(received.data, ApiKeyIssued)
        current = await replica.find(received.data.key_id, session)
        with _mismatch_is_permanent():
            await replica.put(apply_issued(current, received.data), session)

    async def revoked(session: AsyncClientSession, received: ReceivedEvent) -> None:
        assert isinstance(received.data, ApiKeyRevoked)
        current = await replica.find(received.data.key_id, session)
        with _mismatch_is_permanent():
            await replica.put(apply_revoked(current, received.data), session)
        # Before the commit (handlers have no after-commit hook): the cache then refuses the key
        # for one TTL, so a check reading the not-yet-revoked key cannot cache it meanwhile.
        authenticator.forget(received.data.key_id)

    runtime.on_prepare(replica.ensure_indexes)
    for event_class, handler, name in (
        (ApiKeyIssued, issued, ISSUED_HANDLER),
        (ApiKeyRevoked, revoked, REVOKED_HANDLER),
    ):
        subscribe(
            runtime.broker,
            event_class=event_class,
            handler=handler,
            db=runtime.db,
            name=name,
            settings=runtime.settings,
            fetch_max_wait_ms=OFF_PATH_FETCH_WAIT_MS,
        )
    return authenticator


@contextmanager
def _mismatch_is_permanent() -> Iterator[None]:
    """A key id claimed by two tenants can never be applied: a dead letter, not a retry."""
    try:
        yield
    except TenantMismatchError as error:
        raise PermanentError(str(error)) from error
