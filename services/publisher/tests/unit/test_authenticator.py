from datetime import timedelta

import pytest
from argon2 import PasswordHasher

from newsroom_shared.http.auth import Scope
from newsroom_testing.clock import FakeClock
from publisher.adapters.api_key_hashing import Argon2Keys
from publisher.adapters.authenticator import ApiKeyAuthenticator, VerifiedTokens
from publisher.domain.api_key import ApiKey, parse_token

# Cheap parameters: the tests are about the flow, not the cost.
KEYS = Argon2Keys(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


class CountingKeys:
    """An ApiKeyRepository fake that counts lookups and records last_used writes."""

    def __init__(self) -> None:
        self.keys: dict[str, ApiKey] = {}
        self.finds = 0
        self.uses: list[str] = []

    async def find(self, key_id: str) -> ApiKey | None:
        self.finds += 1
        return self.keys.get(key_id)

    async def record_use(self, tenant_id, key_id, now) -> None:
        self.uses.append(key_id)


class Monotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def setup():
    repo, monotonic, clock = CountingKeys(), Monotonic(), FakeClock()
    cache = VerifiedTokens(ttl_s=30, max_entries=2, monotonic=monotonic)
    authenticator = ApiKeyAuthenticator(repo, KEYS, clock, cache)  # type: ignore[arg-type]
    return repo, monotonic, clock, authenticator


async def a_key(repo: CountingKeys, scopes=("editor",)) -> str:
    minted = await KEYS.mint()
    repo.keys[minted.key_id] = ApiKey.create(
        key_id=minted.key_id, tenant_id="t1", name="k", scopes=scopes,
        secret_hash=minted.secret_hash, now=FakeClock().now(), created_by="test",
    )  # fmt: skip
    return minted.token


async def test_a_valid_token_gives_its_tenant_and_scopes(setup) -> None:
    repo, _, _, authenticator = setup
    token = await a_key(repo, scopes=["viewer", "editor"])
    principal = await authenticator.authenticate(token)
    assert principal is not None
    assert (principal.tenant_id, principal.key_id) == ("t1", parse_token(token))
    assert principal.scopes == {Scope.viewer, Scope.editor}


async def test_bad_tokens_are_refused_and_malformed_ones_cost_no_lookup(setup) -> None:
    repo, _, _, authenticator = setup
    token = await a_key(repo)
    assert await authenticator.authenticate("not-a-token") is None
    assert repo.finds == 0
    assert await authenticator.authenticate(token[:-3] + "abc") is None
    assert await authenticator.authenticate(f"nrk_{'0' * 24}_{'a' * 43}") is None


async def test_successful_checks_are_cached_for_the_ttl_from_the_check(setup) -> None:
    repo, monotonic, _, authenticator = setup
    token = await a_key(repo)
    assert await authenticator.authenticate(token)
    monotonic.now += 20
    assert await authenticator.authenticate(token)
    assert repo.finds == 1
    # Revoked by another replica: trusted until the TTL of the first check ends, not longer
    # (the hit at +20 s did not extend it).
    repo.keys[parse_token(token)].revoke(FakeClock().now())
    monotonic.now += 11
    assert await authenticator.authenticate(token) is None
    assert repo.finds == 2


async def test_forget_drops_cached_checks_of_a_revoked_key_at_once(setup) -> None:
    repo, _, _, authenticator = setup
    token = await a_key(repo)
    assert await authenticator.authenticate(token)
    repo.keys[parse_token(token)].revoke(FakeClock().now())
    authenticator.forget(parse_token(token))
    assert await authenticator.authenticate(token) is None


async def test_last_used_is_written_at_most_once_a_minute(setup) -> None:
    repo, _, clock, authenticator = setup
    token = await a_key(repo)
    for _ in range(3):
        await authenticator.authenticate(token)
    clock.advance(timedelta(seconds=61))
    await authenticator.authenticate(token)
    assert len(repo.uses) == 2


def test_the_cache_is_bounded_oldest_first() -> None:
    cache = VerifiedTokens(ttl_s=30, max_entries=2, monotonic=Monotonic())
    principals = {}
    for name in ("a", "b", "c"):
        principals[name] = object()
        cache.put(name, principals[name])  # type: ignore[arg-type]
    assert cache.get("a") is None
    assert cache.get("c") is principals["c"]
