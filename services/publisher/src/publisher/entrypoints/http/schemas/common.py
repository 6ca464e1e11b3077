"""Models shared by several resources."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from newsroom_shared.patterns import NOT_BLANK_PATTERN
from publisher.domain import limits
from publisher.domain.values import EMAIL_PATTERN, LANGUAGE_PATTERN, PHONE_PATTERN, ContactPerson


class Model(BaseModel):
    """Requests reject unknown fields: a typo must not be silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Contact(Model):
    name: str = Field(min_length=1, max_length=limits.CONTACT_NAME_MAX, pattern=NOT_BLANK_PATTERN)
    role: str = Field(default="", max_length=limits.CONTACT_ROLE_MAX)
    email: str = Field(
        default="",
        max_length=limits.EMAIL_MAX,
        pattern=f"^$|{EMAIL_PATTERN}",
        examples=["press@example.com"],
    )
    phone: str = Field(
        default="",
        max_length=limits.PHONE_MAX,
        pattern=f"^$|{PHONE_PATTERN}",
        examples=["+44 20 7946 0000"],
    )

    def to_domain(self) -> ContactPerson:
        return ContactPerson(name=self.name, role=self.role, email=self.email, phone=self.phone)

    @classmethod
    def of(cls, contact: ContactPerson) -> Contact:
        return cls(name=contact.name, role=contact.role, email=contact.email, phone=contact.phone)


Contacts = Annotated[list[Contact], Field(max_length=limits.CONTACTS_MAX)]
Language = Annotated[
    str,
    Field(
        min_length=2,
        max_length=limits.LANGUAGE_MAX,
        pattern=LANGUAGE_PATTERN,
        examples=["en", "pt-BR"],
    ),
]
Name = Annotated[str, Field(min_length=1, max_length=limits.NAME_MAX, pattern=NOT_BLANK_PATTERN)]
MediaId = Annotated[
    str, Field(min_length=1, max_length=limits.MEDIA_ID_MAX, pattern=NOT_BLANK_PATTERN)
]
