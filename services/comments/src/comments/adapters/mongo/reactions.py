"""Collection ``reactions``: one document per (tenant, comment, reader, kind), so a reader's
second reaction (or report) of a kind is recognised by its ``_id``."""

from __future__ import annotations

from pymongo.errors import DuplicateKeyError

from comments.adapters.mongo.base import Repository
from comments.domain.errors import ConcurrentModificationError


class MongoReactions(Repository):
    COLLECTION = "reactions"

    async def add(self, tenant_id: str, comment_id: str, reactor: str, kind: str) -> bool:
        key = f"{tenant_id}:{comment_id}:{reactor}:{kind}"
        if await self._find_one({"_id": key}) is not None:
            return False
        try:
            await self._collection.insert_one(
                {"_id": key, "tenant_id": tenant_id, "comment_id": comment_id, "kind": kind},
                **self._opts(),
            )
        except DuplicateKeyError as error:
            # Another request of the same reader inserted it first; the transaction is aborted
            # with this error, so run it again: it then finds the reaction and counts nothing.
            raise ConcurrentModificationError(str(error)) from error
        return True

    async def remove(self, tenant_id: str, comment_id: str, reactor: str, kind: str) -> bool:
        key = f"{tenant_id}:{comment_id}:{reactor}:{kind}"
        removed = await self._collection.delete_one(
            {"_id": key, "tenant_id": tenant_id}, **self._opts()
        )
        return removed.deleted_count == 1
