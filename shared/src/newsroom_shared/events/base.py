"""The base of every event contract.

An event type is a pydantic model of its data plus three class-level facts: the Kafka topic it
goes to (one topic per event type, versioned), its CloudEvents ``type``, and the field that holds
its aggregate id (the Kafka partition key and the CloudEvents ``subject``). Contracts may only grow
with optional fields; anything else is a new ``.v2`` topic (see tests/test_schema_compat.py).
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class Event(BaseModel):
    """Data of one event; the CloudEvents envelope is added by :mod:`.envelope`."""

    # extra="ignore": a consumer built against an older contract still reads newer events.
    model_config = ConfigDict(frozen=True, extra="ignore")

    topic: ClassVar[str]
    ce_type: ClassVar[str]
    aggregate_field: ClassVar[str]

    tenant_id: str

    @property
    def aggregate_id(self) -> str:
        return str(getattr(self, self.aggregate_field))
