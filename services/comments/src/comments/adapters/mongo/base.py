"""What every repository shares: :class:`newsroom_shared.repository.Repository` (its
collection and the session of the unit of work)."""

from __future__ import annotations

from newsroom_shared.repository import Repository as Repository


def scoped_id(tenant_id: str, local_id: str) -> str:
    """A document ``_id`` under its tenant: two tenants never share one."""
    return f"{tenant_id}:{local_id}"
