"""Regex fragments that mean the same to every reader of an OpenAPI pattern.

A request schema's pattern is read by three dialects: ECMA (clients, validators), Rust (pydantic)
and Python's ``re`` (our own checks, fuzzers). Their ``\\s`` differ (only Python's has
\\x1c-\\x1f and \\x85), so whitespace is spelled out, never ``\\s``.
"""

from __future__ import annotations

# Every character ``str.isspace`` (so ``str.strip`` and ``str.split``) treats as space, plus
# ECMA's \ufeff: text a pattern built on this admits strips to itself.
WHITESPACE = r" \t\n\v\f\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# Text with something left once stripped.
NOT_BLANK_PATTERN = rf"[^{WHITESPACE}]"
