"""Recognising a post seen before: by its canonical URL, then by near-identical text.

The canonical URL drops what does not change the page: scheme case, ``www.``, default ports,
fragments, tracking parameters (``utm_*``, ``fbclid``...), parameter order and a trailing
slash. Near-identical text (a repost with a different link, a quote with a word changed) is
found by MinHash over the text's three-word shingles: the share of equal minima estimates the
two texts' Jaccard similarity, and texts at :data:`NEAR_SIMILARITY` or more are copies. Its 64
minima form 16 bands of 4 (locality-sensitive hashing): two texts share a band with
probability 1 - (1 - s^4)^16, 99 % at s = 0.7 and 12 % at s = 0.3, so a lookup by band finds
copies and few others. (SimHash, tried first, tells short posts apart too poorly: a repost with
two words changed differed in more bits than the threshold that kept unrelated posts apart.)
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

NEAR_SIMILARITY = 0.6
BANDS = 16
ROWS = 4
PERMUTATIONS = BANDS * ROWS
_PRIME = (1 << 61) - 1  # a Mersenne prime above every 8-byte hash's residue we need
# Fixed coefficients: signatures stored today must compare with those computed after a restart.
_COEFFICIENTS = [
    (random.Random(seed).randrange(1, _PRIME), random.Random(-seed - 1).randrange(_PRIME))
    for seed in range(PERMUTATIONS)
]
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


def minhash(words: Sequence[str]) -> tuple[int, ...]:
    """The text's MinHash signature: for each of :data:`PERMUTATIONS` hash functions, the
    least hash of its shingles (three-word shingles; the words themselves in very short texts)."""
    size = 3 if len(words) >= 3 else 1
    shingles = {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)} or {""}
    bases = [
        int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big") for s in shingles
    ]
    return tuple(min((a * x + b) % _PRIME for x in bases) for a, b in _COEFFICIENTS)


def bands(signature: Sequence[int]) -> list[str]:
    """The signature's bands, each a short digest tagged with its place (``"3:9f2c..."``)."""
    keys = []
    for band in range(BANDS):
        rows = signature[band * ROWS : (band + 1) * ROWS]
        digest = hashlib.blake2b(repr(tuple(rows)).encode(), digest_size=8).hexdigest()
        keys.append(f"{band}:{digest}")
    return keys


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of the two texts' shingles."""
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def near(a: Sequence[int], b: Sequence[int]) -> bool:
    return similarity(a, b) >= NEAR_SIMILARITY
