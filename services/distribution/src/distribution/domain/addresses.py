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

# The pattern is shared with the comments service's authors (one syntax in every API).
from newsroom_shared.patterns import ADDRESS_MAX as ADDRESS_MAX
from newsroom_shared.patterns import ADDRESS_PATTERN as ADDRESS_PATTERN
