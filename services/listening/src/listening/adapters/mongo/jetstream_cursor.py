"""Collection ``jetstream_cursor``: one document, the Bluesky subscription's last ``time_us``
recorded. Not tenant data: the subscription serves every tenant."""

from __future__ import annotations

from pymongo.errors import DuplicateKeyError

from listening.adapters.mongo.base import Repository

CURSOR_ID = "jetstream"


class MongoJetstreamCursor(Repository):
    COLLECTION = "jetstream_cursor"

    async def current(self) -> int | None:
        found = await self._find_one({"_id": CURSOR_ID})
        return None if found is None else int(found["time_us"])

    async def advance(self, *, seen: int | None, to: int) -> bool:
        if seen is None:
            try:  # the first batch ever: only one replica may start the cursor
                await self._collection.insert_one({"_id": CURSOR_ID, "time_us": to}, **self._opts())
            except DuplicateKeyError:
                return False
            return True
        result = await self._collection.update_one(
            {"_id": CURSOR_ID, "time_us": seen}, {"$set": {"time_us": to}}, **self._opts()
        )
        return result.matched_count == 1
