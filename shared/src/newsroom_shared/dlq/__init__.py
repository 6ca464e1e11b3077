"""Dead-letter tools: inspect ``<topic>.dlq`` and replay dead letters (CLI ``newsroom-dlq``)."""

from newsroom_shared.dlq.listing import list_dead_letters
from newsroom_shared.dlq.records import DeadLetterInfo
from newsroom_shared.dlq.replay import ReplayReport, replay_dead_letters

__all__ = ["DeadLetterInfo", "ReplayReport", "list_dead_letters", "replay_dead_letters"]
