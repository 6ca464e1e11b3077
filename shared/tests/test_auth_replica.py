"""A consuming service's replica of the staff API keys, against the real broker and database:
``follow_api_keys`` on a bare runtime, fed events the way the publisher's relay sends them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from pymongo import AsyncMongoClient

from newsroom_shared.auth import (
    KeyReplica,
    ReplicatedKeyAuthenticator,
    TokenHashes,
    compose_token,
    follow_api_keys,
)
from newsroom_shared.events.envelope import Envelope, envelope_for
from newsroom_shared.events.publisher import ApiKeyIssued, ApiKeyRevoked
from newsroom_shared.http.auth import Principal, Scope
from newsroom_shared.mongo import Document
from newsroom_shared.runtime import ServiceRuntime
from newsroom_testing.consumer import eventually, fast_settings, produce_envelopes
from newsroom_testing.fixtures import drop_test_database
from newsroom_testing.infra import Infra

pytestmark = pytest.mark.connected

PUBLISHER = "/newsroom/publisher"
T0 = datetime(2030, 1, 1, 9, tzinfo=UTC)
# Cheap hashes to make test keys; verification reads the parameters from the hash.
CHEAP = TokenHashes(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@dataclass
class Follower:
    runtime: ServiceRuntime
    authenticator: ReplicatedKeyAuthenticator
    replica: KeyReplica

    async def applied(self, consumer: str, envelope: Envelope) -> bool:
        """Whether ``consumer`` has applied this event (its inbox holds the event id)."""
        key = f"{envelope.tenant_id}:{consumer}:{envelope.id}"
        return await self.runtime.db["inbox"].find_one({"_id": key}) is not None


@pytest.fixture(scope="module")
async def follower(
    infra: Infra, mongo_client: AsyncMongoClient[Document]
) -> AsyncIterator[Follower]:
    """One consuming runtime for the module: its two consumer groups join once."""
    name = uuid.uuid4().hex[:10]
    settings = fast_settings(
        infra.kafka_bootstrap_servers,
        infra.mongodb_uri,
        f"test-auth-{name}",
        mongodb_database=f"test_auth_{name}",
        log_json=False,
    )
    runtime = ServiceRuntime(settings)
    authenticator = follow_api_keys(runtime)
    try:
        async with runtime.running():
            yield Follower(runtime, authenticator, KeyReplica(runtime.db))
    finally:
        await drop_test_database(mongo_client, settings.database_name)


@dataclass(frozen=True)
class StaffKey:
    tenant_id: str
    key_id: str
    token: str
    secret_hash: str

    def issued(self, scopes: list[str] | None = None) -> Envelope:
        event = ApiKeyIssued(
            tenant_id=self.tenant_id,
            key_id=self.key_id,
            scopes=scopes or ["editor"],
            secret_hash=self.secret_hash,
            issued_at=T0,
        )
        return envelope_for(event, source=PUBLISHER)

    def revoked(self, at: datetime = T0 + timedelta(hours=1)) -> Envelope:
        event = ApiKeyRevoked(tenant_id=self.tenant_id, key_id=self.key_id, revoked_at=at)
        return envelope_for(event, source=PUBLISHER)


def a_key() -> StaffKey:
    key_id = uuid.uuid4().hex[:24]
    token = compose_token(key_id, uuid.uuid4().hex + uuid.uuid4().hex)
    return StaffKey(f"tenant-{uuid.uuid4().hex[:8]}", key_id, token, CHEAP.hash(token))


async def test_an_issued_key_authenticates_until_it_is_revoked(
    infra: Infra, follower: Follower
) -> None:
    key = a_key()
    await produce_envelopes(infra.kafka_bootstrap_servers, [key.issued(["viewer", "editor"])])

    principal = await eventually(lambda: follower.authenticator.authenticate(key.token))
    # The tenant comes from the key, nothing else.
    assert principal == Principal(
        key.tenant_id, key.key_id, frozenset({Scope.viewer, Scope.editor})
    )
    wrong_secret = compose_token(key.key_id, uuid.uuid4().hex + uuid.uuid4().hex)
    assert await follower.authenticator.authenticate(wrong_secret) is None

    await produce_envelopes(infra.kafka_bootstrap_servers, [key.revoked()])

    async def refused() -> bool:
        return await follower.authenticator.authenticate(key.token) is None

    # The consuming replica forgets its cached check at once: no waiting for the cache TTL.
    await eventually(refused)
    stored = await follower.replica.find(key.key_id)
    assert stored is not None
    assert stored.revoked_at == T0 + timedelta(hours=1)


async def test_a_revocation_before_the_issue_is_never_undone(
    infra: Infra, follower: Follower
) -> None:
    key = a_key()
    revoked = key.revoked()
    await produce_envelopes(infra.kafka_bootstrap_servers, [revoked])
    await eventually(lambda: follower.applied("api-key-revoked", revoked))

    issued = key.issued()
    await produce_envelopes(infra.kafka_bootstrap_servers, [issued])
    await eventually(lambda: follower.applied("api-key-issued", issued))

    stored = await follower.replica.find(key.key_id)
    assert stored is not None
    assert (stored.secret_hash, stored.revoked_at) == (key.secret_hash, T0 + timedelta(hours=1))
    assert await follower.authenticator.authenticate(key.token) is None


async def test_redelivered_and_republished_issues_do_not_revive_a_revoked_key(
    infra: Infra, follower: Follower
) -> None:
    key = a_key()
    issued = key.issued()
    await produce_envelopes(infra.kafka_bootstrap_servers, [issued])
    await eventually(lambda: follower.authenticator.authenticate(key.token))
    revoked = key.revoked()
    await produce_envelopes(infra.kafka_bootstrap_servers, [revoked, revoked])  # twice
    await eventually(lambda: follower.applied("api-key-revoked", revoked))

    # The same event again (a redelivery), then a fresh one (a republish). Same key, same
    # partition: once the fresh one is applied, the redelivery has been dealt with too.
    republished = key.issued()
    await produce_envelopes(infra.kafka_bootstrap_servers, [issued, republished])
    await eventually(lambda: follower.applied("api-key-issued", republished))

    assert await follower.authenticator.authenticate(key.token) is None
    stored = await follower.replica.find(key.key_id)
    assert stored is not None
    assert stored.revoked_at == T0 + timedelta(hours=1)
    inbox = follower.runtime.db["inbox"]
    assert await inbox.count_documents({"event_id": revoked.id}) == 1


async def test_the_replica_has_its_index_and_keeps_only_hashes(
    infra: Infra, follower: Follower
) -> None:
    key = a_key()
    await produce_envelopes(infra.kafka_bootstrap_servers, [key.issued()])
    await eventually(lambda: follower.authenticator.authenticate(key.token))
    indexes = await follower.runtime.db["api_keys"].index_information()
    assert indexes["tenant_key"]["key"] == [("tenant_id", 1), ("_id", 1)]
    stored = await follower.runtime.db["api_keys"].find_one({"_id": key.key_id})
    assert stored is not None
    assert key.token not in str(stored)
    assert set(stored) == {"_id", "tenant_id", "scopes", "secret_hash", "issued_at", "revoked_at"}
