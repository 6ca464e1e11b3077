"""A newsroom's own domain (``news.acme.example``): the hostname rules.

A domain is a public DNS name the company points at our proxy: lowercase ASCII (an
internationalised name in its ``xn--`` form), at least two labels, each 1-63 letters, digits or
inner hyphens, at most 253 characters, the top label starting with a letter (as every
top-level domain does; an IP address is no domain). ``DOMAIN_PATTERN`` says the same for the
OpenAPI, case-insensitively and with an optional trailing dot. Names that can never be a
public site are refused: ``localhost`` and the special-use suffixes of RFC 6761/7686 and
``.local`` (mDNS).
"""

from __future__ import annotations

import re

from publisher.domain.errors import InvalidInputError

DOMAIN_MAX = 253
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
DOMAIN_PATTERN = (
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?$"
)
# Special-use names (RFC 6761, RFC 7686) and mDNS: no public DNS answers for them.
RESERVED_SUFFIXES = ("localhost", "invalid", "test", "local", "onion", "arpa", "internal")


def normalise_host(host: str) -> str:
    """A request's ``Host`` as a domain is stored: lowercase, no port, no trailing dot."""
    host = host.strip().lower()
    if host.startswith("["):  # an IPv6 literal is never a newsroom's domain
        return host
    return host.rsplit(":", 1)[0].rstrip(".") if ":" in host else host.rstrip(".")


def require_domain(field: str, value: str) -> str:
    """``value`` as a domain (lowercased, a trailing dot dropped); InvalidInputError if it is
    not a public hostname."""
    domain = value.strip().lower().removesuffix(".")
    if not domain.isascii():
        raise InvalidInputError(field, "write an internationalised domain in its xn-- form")
    labels = domain.split(".")
    if len(domain) > DOMAIN_MAX or len(labels) < 2:
        raise InvalidInputError(
            field, f"must be a hostname of at least two labels, at most {DOMAIN_MAX} characters"
        )
    bad = [label for label in labels if not _LABEL.fullmatch(label)]
    if bad:
        raise InvalidInputError(
            field,
            f"{bad[0]!r} is not a DNS label (1-63 letters, digits and inner hyphens)",
        )
    if not labels[-1][0].isalpha():
        raise InvalidInputError(
            field, "the top-level label must start with a letter (an IP address is no domain)"
        )
    if labels[-1] in RESERVED_SUFFIXES:
        raise InvalidInputError(field, f"names under .{labels[-1]} are not public sites")
    return domain
