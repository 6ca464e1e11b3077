"""Small value types and format rules shared by newsrooms and releases."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from newsroom_shared.patterns import WHITESPACE
from publisher.domain import limits
from publisher.domain.errors import InvalidInputError

# BCP 47 in the shape we accept: a 2-3 letter language, then optional script/region/variant
# subtags ("en", "pt-BR", "zh-Hant-TW", "de-CH-1996").
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# Deliberately loose: one "@", no whitespace (spelled out: see newsroom_shared.patterns), a dot
# in the domain. Deliverability is not our business.
EMAIL_PATTERN = rf"^[^@{WHITESPACE}]+@[^@{WHITESPACE}]+\.[^@{WHITESPACE}]+$"
# 3-40 digits, spaces and ()./- after an optional "+", with no space at either end (which
# ``require_text`` would strip, leaving something the pattern may not admit).
PHONE_PATTERN = r"^(\+[0-9 ()./-]{2,39}|[0-9()./-][0-9 ()./-]{1,38})[0-9()./-]$"


def require_text(field: str, value: str, *, max_length: int, required: bool = False) -> str:
    """``value`` stripped of surrounding whitespace, within ``max_length`` characters."""
    value = value.strip()
    if required and not value:
        raise InvalidInputError(field, "must not be empty")
    if len(value) > max_length:
        raise InvalidInputError(
            field, f"must be at most {max_length} characters (got {len(value)})"
        )
    return value


def require_language(field: str, value: str) -> str:
    value = value.strip()
    if len(value) > limits.LANGUAGE_MAX or not re.fullmatch(LANGUAGE_PATTERN, value):
        raise InvalidInputError(
            field, f"{value!r} is not a BCP 47 language tag such as 'en' or 'pt-BR'"
        )
    return value


def require_slug(field: str, value: str) -> str:
    if not limits.SLUG_MIN <= len(value) <= limits.SLUG_MAX or not re.fullmatch(
        SLUG_PATTERN, value
    ):
        raise InvalidInputError(
            field,
            f"must be {limits.SLUG_MIN}-{limits.SLUG_MAX} lowercase letters, digits and "
            "single hyphens (e.g. 'acme-news')",
        )
    return value


def unique_labels(
    field: str, values: Iterable[str], *, max_count: int, max_length: int, lowercase: bool
) -> list[str]:
    """Labels stripped, empty ones dropped, duplicates removed (order kept), within limits."""
    seen: dict[str, str] = {}
    for raw in values:
        label = " ".join(raw.split())
        # The limit applies to the label as given: lowercasing can lengthen it ("İ" becomes two
        # characters), and a label the request schema admits must not be refused for that.
        if len(label) > max_length:
            raise InvalidInputError(
                field, f"{label[:20]!r}... is longer than {max_length} characters"
            )
        if lowercase:
            label = label.lower()
        if not label:
            continue
        seen.setdefault(label.casefold(), label)
    if len(seen) > max_count:
        raise InvalidInputError(field, f"at most {max_count} allowed (got {len(seen)})")
    return list(seen.values())


@dataclass(frozen=True, slots=True)
class ContactPerson:
    """Who journalists call about a newsroom or a release."""

    name: str
    role: str = ""
    email: str = ""
    phone: str = ""

    @classmethod
    def create(cls, name: str, role: str = "", email: str = "", phone: str = "") -> ContactPerson:
        email = require_text("contacts.email", email, max_length=limits.EMAIL_MAX)
        if email and not re.fullmatch(EMAIL_PATTERN, email):
            raise InvalidInputError("contacts.email", f"{email!r} is not an email address")
        phone = require_text("contacts.phone", phone, max_length=limits.PHONE_MAX)
        if phone and not re.fullmatch(PHONE_PATTERN, phone):
            raise InvalidInputError("contacts.phone", f"{phone!r} is not a phone number")
        return cls(
            name=require_text(
                "contacts.name", name, max_length=limits.CONTACT_NAME_MAX, required=True
            ),
            role=require_text("contacts.role", role, max_length=limits.CONTACT_ROLE_MAX),
            email=email,
            phone=phone,
        )


def require_contacts(contacts: Iterable[ContactPerson]) -> list[ContactPerson]:
    result = [ContactPerson.create(c.name, c.role, c.email, c.phone) for c in contacts]
    if len(result) > limits.CONTACTS_MAX:
        raise InvalidInputError(
            "contacts", f"at most {limits.CONTACTS_MAX} allowed (got {len(result)})"
        )
    return result
