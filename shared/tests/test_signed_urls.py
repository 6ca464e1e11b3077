"""Signed, expiring URLs: valid until their expiry, refused when tampered, keys rotate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest
from pydantic import SecretStr

from newsroom_shared.config import key_list
from newsroom_shared.signed_urls import UrlSigner, Verdict

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
PATH = "/files/tenant-a/m1/web-abc.jpg"


def signed(signer: UrlSigner, path: str = PATH, ttl_s: int = 60) -> tuple[str, str]:
    query = parse_qs(signer.query(path, NOW + timedelta(seconds=ttl_s)))
    return query["expires"][0], query["signature"][0]


def test_valid_until_it_expires() -> None:
    signer = UrlSigner(["k1"])
    expires, signature = signed(signer)
    assert signer.check(PATH, expires, signature, NOW) is Verdict.VALID
    later = NOW + timedelta(seconds=60)
    assert signer.check(PATH, expires, signature, later) is Verdict.EXPIRED


def test_tampering_with_path_expiry_or_signature_is_invalid() -> None:
    signer = UrlSigner(["k1"])
    expires, signature = signed(signer)
    assert signer.check(PATH + "x", expires, signature, NOW) is Verdict.INVALID
    assert signer.check(PATH, str(int(expires) + 1), signature, NOW) is Verdict.INVALID
    assert signer.check(PATH, expires, signature[:-1] + "A", NOW) is Verdict.INVALID
    assert signer.check(PATH, "soon", signature, NOW) is Verdict.INVALID
    assert signer.check(PATH, expires, None, NOW) is Verdict.INVALID
    assert signer.check(PATH, None, None, NOW) is Verdict.ABSENT


def test_keys_rotate_newest_first() -> None:
    old = UrlSigner(["k1"])
    expires, signature = signed(old)
    rotated = UrlSigner(["k2", "k1"])
    assert rotated.check(PATH, expires, signature, NOW) is Verdict.VALID
    assert signed(rotated) != signed(old)  # the newest key signs
    assert UrlSigner(["k2"]).check(PATH, expires, signature, NOW) is Verdict.INVALID


def test_key_lists() -> None:
    assert key_list(SecretStr(" k2, k1 ,")) == ["k2", "k1"]
    assert key_list(None) == []
    with pytest.raises(ValueError, match="signing key"):
        UrlSigner([])
