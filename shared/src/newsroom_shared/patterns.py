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

# The email address syntax our APIs state (distribution's subscribers, comments' authors): an
# ASCII subset of what email-validator accepts, so every address a schema admits is accepted. A
# dot-atom local part of at most 64 characters (RFC 5321), a domain of letter/digit/hyphen
# labels (no "--" in a label's 3rd and 4th place: that is Punycode's mark), and a letter
# top-level domain not reserved for special use (RFC 6761: .test, .local ...). Lookaheads are in
# both ECMA and Python regexes; check it with Python's ``re`` (pydantic's engine lacks them).
ADDRESS_MAX = 254  # RFC 5321's limit on a forward path, less the angle brackets
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LABEL = r"(?![A-Za-z0-9]{2}--)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_SPECIAL_USE = ("arpa", "invalid", "local", "localhost", "onion", "test")


def _any_case(word: str) -> str:
    return "".join(f"[{letter.upper()}{letter}]" for letter in word)


_NOT_SPECIAL_USE = "(?!(" + "|".join(_any_case(word) for word in _SPECIAL_USE) + ")$)"
ADDRESS_PATTERN = (
    rf"^(?![^@]{{65}}){_ATEXT}+(\.{_ATEXT}+)*@({_LABEL}\.)+{_NOT_SPECIAL_USE}[A-Za-z]{{2,63}}$"
)
