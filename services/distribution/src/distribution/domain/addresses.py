"""The email address syntax the API states: a subset of what ``normalise_email`` accepts.

``normalise_email`` (email-validator) is the rule; its full grammar (Unicode local parts, IDNA
domains) is beyond a pattern. The API's schemas state this ASCII subset instead, so that every
address a schema admits is accepted: a dot-atom local part of at most 64 characters, a domain of
letter/digit/hyphen labels (no "--" in a label's 3rd and 4th place: that is Punycode's mark),
and a letter top-level domain that is not reserved for special use (RFC 6761: ``.test``,
``.local`` ...). The 64-character local part is RFC 5321's (email-validator lets it pass).
Lookaheads are in both ECMA and Python regexes; the check runs in Python.
"""

from __future__ import annotations

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
