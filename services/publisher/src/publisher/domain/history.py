"""Version history: a snapshot of the release after each change, with who and when."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime

from publisher.domain.release import Release


@dataclass(frozen=True, slots=True)
class ReleaseVersion:
    tenant_id: str
    release_id: str
    version: int
    action: str
    actor: str
    at: datetime
    snapshot: Release

    @classmethod
    def capture(cls, release: Release) -> ReleaseVersion:
        """The release as it is now (a deep copy: later changes do not reach the snapshot)."""
        return cls(
            tenant_id=release.tenant_id,
            release_id=release.id,
            version=release.version,
            action=release.last_action,
            actor=release.updated_by,
            at=release.updated_at,
            snapshot=copy.deepcopy(release),
        )
