"""Contact persons as stored inside newsrooms and releases."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from publisher.domain.values import ContactPerson


def contacts_document(contacts: Iterable[ContactPerson]) -> list[dict[str, str]]:
    return [asdict(contact) for contact in contacts]


def contacts_of(documents: Iterable[dict[str, Any]]) -> list[ContactPerson]:
    return [ContactPerson(**document) for document in documents]
