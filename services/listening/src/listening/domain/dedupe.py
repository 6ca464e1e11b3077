"""Recognising a post seen before: by its canonical URL, then by near-identical text.

The canonical URL drops what does not change the page: scheme case, ``www.``, default ports,
fragments, tracking parameters (``utm_*``, ``fbclid``...), parameter order and a trailing
slash. Near-identical text (a repost with a different link, a quote with a word changed) is
found by a 64-bit SimHash of the text's three-word shingles: texts whose fingerprints differ in
at most :data:`NEAR_BITS` bits are copies. Four 16-bit bands index the fingerprint, so by the
pigeonhole principle a copy within three bits shares at least one band with its original and a
lookup by band finds it.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

NEAR_BITS = 3
BANDS = 4
_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "igshid", "ref_src", "si")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port and parts.port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{parts.port}"
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith(_TRACKING)
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def url_key(url: str) -> str:
    """The canonical URL's SHA-256 (hex): a fixed-length key for indexes and partitions."""
    return hashlib.sha256(canonical_url(url).encode()).hexdigest()


def simhash(words: tuple[str, ...] | list[str]) -> int:
    """64-bit SimHash over three-word shingles (single words for very short texts)."""
    shingles = [" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))]
    weights = [0] * 64
    for shingle in shingles:
        digest = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if digest >> bit & 1 else -1
    return sum(1 << bit for bit in range(64) if weights[bit] > 0)


def bands(fingerprint: int) -> list[str]:
    """The fingerprint's four 16-bit bands, each tagged with its place (``"2:beef"``)."""
    return [f"{i}:{fingerprint >> (16 * i) & 0xFFFF:04x}" for i in range(BANDS)]


def near(a: int, b: int) -> bool:
    return (a ^ b).bit_count() <= NEAR_BITS
