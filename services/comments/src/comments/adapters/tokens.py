"""The author's edit/delete token: itsdangerous, signed with the service's keys, timed.

The token names the tenant, release and comment; it is signed, not hidden (nothing in it is
secret). Keys rotate: the newest signs, every listed key still verifies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner

from comments.domain.errors import TokenError
from comments.service.ports import AuthorClaim

SALT = "newsroom.comments.author"
VERIFY_SALT = "newsroom.comments.verify"
"""Verification links are signed under their own salt: an author token verifies nothing."""


def _signer_with_clock(clock: Callable[[], float]) -> type[TimestampSigner]:
    # itsdangerous reads time.time() directly; a subclass lets tests move time.
    class ClockedSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(clock())

    return ClockedSigner


class SignedAuthorTokens:
    def __init__(
        self,
        secret_keys: Sequence[str],
        clock: Callable[[], float],
        *,
        salt: str = SALT,
        expired: str = "the time to edit or delete this comment is over",
    ) -> None:
        if not secret_keys or not all(secret_keys):
            raise ValueError("give at least one non-empty secret key")
        self._expired = expired
        self._serializer = URLSafeTimedSerializer(
            list(reversed(secret_keys)),  # itsdangerous signs with the last key
            salt=salt,
            signer=_signer_with_clock(clock),
        )

    def issue(self, claim: AuthorClaim) -> str:
        token = self._serializer.dumps(
            {"t": claim.tenant_id, "r": claim.release_id, "c": claim.comment_id}
        )
        return str(token)

    def read(self, token: str, max_age_s: int) -> AuthorClaim:
        try:
            payload = self._serializer.loads(token, max_age=max_age_s)
        except SignatureExpired as error:
            raise TokenError(self._expired, expired=True) from error
        except BadData as error:
            raise TokenError("this token is not valid: use it as you received it") from error
        if not isinstance(payload, dict) or not all(
            isinstance(payload.get(k), str) for k in ("t", "r", "c")
        ):
            raise TokenError("this token is not valid: use it as you received it")
        return AuthorClaim(payload["t"], payload["r"], payload["c"])
