"""Transactional outbox: state and event written in one transaction, published by a relay."""

from newsroom_shared.outbox.relay import OutboxRelay
from newsroom_shared.outbox.store import Outbox

__all__ = ["Outbox", "OutboxRelay"]
