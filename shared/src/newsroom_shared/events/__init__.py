"""Event contracts of the whole system, one module per producing service."""

from newsroom_shared.events.base import Event
from newsroom_shared.events.envelope import (
    Envelope,
    InvalidEventError,
    ReceivedEvent,
    envelope_for,
    parse,
)

__all__ = ["Envelope", "Event", "InvalidEventError", "ReceivedEvent", "envelope_for", "parse"]
