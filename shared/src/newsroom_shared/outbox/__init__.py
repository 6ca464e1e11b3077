"""Transactional outbox: state and event written in one transaction, published by a relay."""

from newsroom_shared.outbox.relay import OutboxRelay, PublishError
from newsroom_shared.outbox.store import Outbox, OutboxEntry

__all__ = ["Outbox", "OutboxEntry", "OutboxRelay", "PublishError"]
