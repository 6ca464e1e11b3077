"""The shared API key pieces without I/O: token format, hashes, cache, read-model rules and the
replica authenticator (over a fake replica)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from newsroom_shared.auth import (
    ReplicatedKey,
    ReplicatedKeyAuthenticator,
    TokenHashes,
    VerifiedTokens,
    apply_issued,
    apply_revoked,
    compose_token,
    parse_token,
    token_digest,
)
from newsroom_shared.auth.read_model import TenantMismatchError
from newsroom_shared.events.publisher import ApiKeyIssued, ApiKeyRevoked
from newsroom_shared.http.auth import Principal, Scope

KEY_ID = "0123456789abcdef01234567"
TOKEN = compose_token(KEY_ID, "s" * 43)
T0 = datetime(2030, 1, 1, 9, tzinfo=UTC)
# Cheap parameters: these tests are about the flow, not the cost.
HASHES = TokenHashes(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def issued(tenant_id: str = "t1", at: datetime = T0, secret_hash: str = "h1") -> ApiKeyIssued:
    return ApiKeyIssued(
        tenant_id=tenant_id, key_id=KEY_ID, scopes=["editor"], secret_hash=secret_hash,
        issued_at=at,
    )  # fmt: skip


def revoked(at: datetime, tenant_id: str = "t1") -> ApiKeyRevoked:
    return ApiKeyRevoked(tenant_id=tenant_id, key_id=KEY_ID, revoked_at=at)


# Token format and hashes


def test_tokens_parse_to_their_key_id_and_anything_else_to_none() -> None:
    assert parse_token(TOKEN) == KEY_ID
    assert parse_token(TOKEN + "!") is None
    assert parse_token(f"xyz_{KEY_ID}_{'s' * 43}") is None
    assert parse_token("nrk_short_" + "s" * 43) is None


def test_the_digest_is_sha256_hex_not_the_token() -> None:
    assert len(token_digest(TOKEN)) == 64
    assert token_digest(TOKEN) != token_digest(TOKEN + "x")


def test_hashes_verify_only_their_token() -> None:
    secret_hash = HASHES.hash(TOKEN)
    assert secret_hash.startswith("$argon2id$")
    assert HASHES.verify(secret_hash, TOKEN)
    assert not HASHES.verify(secret_hash, TOKEN[:-1] + "t")
    assert not HASHES.verify("not a hash", TOKEN)


def test_the_default_hasher_keeps_owasp_minimum_parameters() -> None:
    secret_hash = TokenHashes().hash(TOKEN)
    assert "$m=19456,t=2,p=1$" in secret_hash


# Cache


class Monotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


PRINCIPAL = Principal("t1", KEY_ID, frozenset({Scope.editor}))


def test_cached_checks_expire_and_revocations_forget_them() -> None:
    clock = Monotonic()
    cache = VerifiedTokens(ttl_s=30, max_entries=10, monotonic=clock)
    cache.put("d1", PRINCIPAL)
    assert cache.get("d1") == PRINCIPAL
    clock.now += 30
    assert cache.get("d1") is None
    cache.put("d1", PRINCIPAL)
    cache.forget(KEY_ID)
    assert cache.get("d1") is None


def test_a_forgotten_key_is_not_cached_again_for_one_ttl() -> None:
    """A revocation being committed: a check that read the old key must not cache it."""
    clock = Monotonic()
    cache = VerifiedTokens(ttl_s=30, max_entries=10, monotonic=clock)
    cache.forget(KEY_ID)
    cache.put("d1", PRINCIPAL)
    assert cache.get("d1") is None
    clock.now += 30
    cache.put("d1", PRINCIPAL)
    assert cache.get("d1") == PRINCIPAL


def test_the_cache_is_bounded_and_a_zero_ttl_disables_it() -> None:
    cache = VerifiedTokens(ttl_s=30, max_entries=2)
    for digest in ("a", "b", "c"):
        cache.put(digest, PRINCIPAL)
    assert [cache.get(d) is not None for d in ("a", "b", "c")] == [False, True, True]
    off = VerifiedTokens(ttl_s=0)
    off.put("a", PRINCIPAL)
    assert off.get("a") is None


# Read-model rules


def test_an_issue_makes_an_active_key_with_its_tenant_and_scopes() -> None:
    key = apply_issued(None, issued())
    assert key.active
    assert key.principal() == PRINCIPAL


def test_a_revocation_ends_the_key_and_a_later_or_repeated_issue_does_not_undo_it() -> None:
    key = apply_revoked(apply_issued(None, issued()), revoked(T0 + timedelta(hours=1)))
    assert not key.active
    again = apply_issued(key, issued())
    assert not again.active
    assert again.revoked_at == T0 + timedelta(hours=1)


def test_a_revocation_before_its_issue_is_kept() -> None:
    early = apply_revoked(None, revoked(T0))
    assert not early.active
    assert early.secret_hash is None
    late = apply_issued(early, issued())
    assert late.secret_hash == "h1"
    assert not late.active


def test_the_earliest_revocation_time_wins() -> None:
    key = apply_revoked(None, revoked(T0 + timedelta(hours=2)))
    key = apply_revoked(key, revoked(T0 + timedelta(hours=1)))
    key = apply_revoked(key, revoked(T0 + timedelta(hours=3)))
    assert key.revoked_at == T0 + timedelta(hours=1)


def test_a_key_id_of_another_tenant_is_refused() -> None:
    key = apply_issued(None, issued("t1"))
    with pytest.raises(TenantMismatchError):
        apply_issued(key, issued("t2"))
    with pytest.raises(TenantMismatchError):
        apply_revoked(key, revoked(T0, tenant_id="t2"))


def test_scopes_this_service_does_not_know_are_ignored() -> None:
    key = ReplicatedKey("t1", KEY_ID, scopes=("viewer", "superpower"), secret_hash="h")
    assert key.principal().scopes == frozenset({Scope.viewer})


# Authenticator over a fake replica


class FakeReplica:
    def __init__(self) -> None:
        self.keys: dict[str, ReplicatedKey] = {}
        self.finds = 0

    async def find(self, key_id: str, session: object = None) -> ReplicatedKey | None:
        self.finds += 1
        return self.keys.get(key_id)


@pytest.fixture
def replica_and_authenticator() -> tuple[FakeReplica, ReplicatedKeyAuthenticator]:
    replica = FakeReplica()
    replica.keys[KEY_ID] = apply_issued(None, issued(secret_hash=HASHES.hash(TOKEN)))
    cache = VerifiedTokens(ttl_s=30)
    return replica, ReplicatedKeyAuthenticator(replica, HASHES, cache)  # type: ignore[arg-type]


async def test_a_valid_token_is_checked_once_then_cached(replica_and_authenticator) -> None:
    replica, authenticator = replica_and_authenticator
    assert await authenticator.authenticate(TOKEN) == PRINCIPAL
    assert await authenticator.authenticate(TOKEN) == PRINCIPAL
    assert replica.finds == 1


async def test_wrong_secrets_malformed_and_unknown_tokens_fail(replica_and_authenticator) -> None:
    _, authenticator = replica_and_authenticator
    assert await authenticator.authenticate(TOKEN[:-1] + "t") is None
    assert await authenticator.authenticate("Bearer nonsense") is None
    assert await authenticator.authenticate(compose_token("f" * 24, "s" * 43)) is None


async def test_forgetting_a_revoked_key_takes_effect_at_once(replica_and_authenticator) -> None:
    replica, authenticator = replica_and_authenticator
    assert await authenticator.authenticate(TOKEN) is not None
    replica.keys[KEY_ID] = apply_revoked(replica.keys[KEY_ID], revoked(T0))
    authenticator.forget(KEY_ID)
    assert await authenticator.authenticate(TOKEN) is None
