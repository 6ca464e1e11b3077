"""What every repository shares: :class:`newsroom_shared.repository.Repository` (its
collection and the session of the unit of work)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from comments.domain.errors import RefusedWriteError
from newsroom_shared.mongo import Document
from newsroom_shared.repository import Repository as Repository


def scoped_id(tenant_id: str, local_id: str) -> str:
    """A document ``_id`` under its tenant: two tenants never share one."""
    return f"{tenant_id}:{local_id}"


async def insert_all(
    collection: AsyncCollection[Document], documents: Sequence[Document], **options: Any
) -> None:
    """One ``insert_many`` (in the unit of work's transaction, given its session); a document the
    database refuses (a unique key) raises RefusedWriteError, and in a transaction stores none."""
    if not documents:
        return
    try:
        await collection.insert_many(list(documents), **options)
    except BulkWriteError as error:
        raise RefusedWriteError(f"{collection.name}: {error.details.get('writeErrors')}") from error
