"""CloudEvents 1.0 envelope in the Kafka protocol binding, binary content mode.

Attributes travel as ``ce_*`` headers, the data as the JSON message value, ``content-type`` says
so, and the message key is the aggregate id. Any CloudEvents SDK (or a plain Kafka client reading
headers) understands it; the tests check that with the ``cloudevents`` SDK.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from newsroom_shared.events.base import Event

SPECVERSION = "1.0"
CONTENT_TYPE = "application/json"
REQUIRED_HEADERS = ("ce_id", "ce_source", "ce_type", "ce_specversion", "ce_tenantid")


class InvalidEventError(ValueError):
    """A message that can never be processed: not a CloudEvent, or data not matching its
    contract."""


@dataclass(frozen=True, slots=True)
class Envelope:
    """One event ready for Kafka: topic, key, headers and value, plus the attributes we index."""

    id: str
    type: str
    source: str
    topic: str
    key: str
    tenant_id: str
    time: datetime
    data: bytes
    subject: str | None = None
    extra_headers: Mapping[str, str] = field(default_factory=dict)

    def headers(self) -> dict[str, bytes]:
        headers = {
            "ce_specversion": SPECVERSION,
            "ce_id": self.id,
            "ce_source": self.source,
            "ce_type": self.type,
            "ce_time": self.time.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "ce_tenantid": self.tenant_id,
            "content-type": CONTENT_TYPE,
            **self.extra_headers,
        }
        if self.subject is not None:
            headers["ce_subject"] = self.subject
        return {name: value.encode() for name, value in headers.items()}


def new_event_id() -> str:
    return str(uuid.uuid4())


def envelope_for(
    event: Event, *, source: str, event_id: str | None = None, time: datetime | None = None
) -> Envelope:
    """Wrap an event's data for Kafka. ``source`` names the producing service instance."""
    return Envelope(
        id=event_id or new_event_id(),
        type=event.ce_type,
        source=source,
        topic=event.topic,
        key=event.aggregate_id,
        subject=event.aggregate_id,
        tenant_id=event.tenant_id,
        time=time or datetime.now(UTC),
        data=event.model_dump_json().encode(),
    )


def header_map(headers: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Kafka headers (aiokafka gives a list of pairs, FastStream a dict) as text."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    return {
        name.lower(): value.decode(errors="replace") if isinstance(value, bytes) else str(value)
        for name, value in pairs
    }


@dataclass(frozen=True, slots=True)
class ReceivedEvent:
    """The envelope attributes of a consumed event and its validated data."""

    id: str
    type: str
    source: str
    tenant_id: str
    data: Event


def parse(
    event_class: type[Event], headers: Mapping[str, Any] | Iterable[tuple[str, Any]], value: bytes
) -> ReceivedEvent:
    """Validate a consumed message against its contract, or raise :class:`InvalidEventError`."""
    attrs = header_map(headers)
    missing = [name for name in REQUIRED_HEADERS if not attrs.get(name)]
    if missing:
        raise InvalidEventError(f"not a CloudEvent: missing headers {', '.join(missing)}")
    if attrs["ce_specversion"] != SPECVERSION:
        raise InvalidEventError(f"unsupported CloudEvents specversion {attrs['ce_specversion']!r}")
    if attrs["ce_type"] != event_class.ce_type:
        raise InvalidEventError(f"type {attrs['ce_type']!r} does not belong on this topic")
    try:
        data = event_class.model_validate_json(value)
    except ValidationError as error:
        raise InvalidEventError(f"data does not match {event_class.__name__}: {error}") from error
    if data.tenant_id != attrs["ce_tenantid"]:
        raise InvalidEventError("tenantid attribute and data tenant_id differ")
    return ReceivedEvent(
        id=attrs["ce_id"],
        type=attrs["ce_type"],
        source=attrs["ce_source"],
        tenant_id=attrs["ce_tenantid"],
        data=data,
    )
