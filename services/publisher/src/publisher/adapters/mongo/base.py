"""What every repository shares: :class:`newsroom_shared.repository.Repository` (its
collection and the session of the unit of work)."""

from __future__ import annotations

from newsroom_shared.repository import Repository as Repository
