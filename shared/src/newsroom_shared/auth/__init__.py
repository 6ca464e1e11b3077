"""Staff API keys for every service: token format, argon2id verification, a verified-token
cache, and the replica of the publisher's keys that other services authenticate with.

The publisher owns the keys (and mints them); it emits ``ApiKeyIssued``/``ApiKeyRevoked``
through its outbox. Every other service holds a :class:`KeyFollower` (its subscription table
includes :func:`api_key_subscriptions`) and verifies tokens itself against its own copy of the
hashes. See ``README.md`` here.
"""

from newsroom_shared.auth.authenticator import ReplicatedKeyAuthenticator
from newsroom_shared.auth.cache import VerifiedTokens
from newsroom_shared.auth.follow import (
    KeyFollower,
    api_key_subscriptions,
    follow_api_keys,
    without_api_keys,
)
from newsroom_shared.auth.hashing import TokenHashes, owasp_minimum_hasher
from newsroom_shared.auth.read_model import ReplicatedKey, apply_issued, apply_revoked
from newsroom_shared.auth.replica import KeyReplica
from newsroom_shared.auth.tokens import TOKEN_PREFIX, compose_token, parse_token, token_digest

__all__ = [
    "TOKEN_PREFIX",
    "KeyFollower",
    "KeyReplica",
    "ReplicatedKey",
    "ReplicatedKeyAuthenticator",
    "TokenHashes",
    "VerifiedTokens",
    "api_key_subscriptions",
    "apply_issued",
    "apply_revoked",
    "compose_token",
    "follow_api_keys",
    "owasp_minimum_hasher",
    "parse_token",
    "token_digest",
    "without_api_keys",
]
