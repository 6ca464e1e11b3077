"""Where an S3 storage's objects live in its bucket.

A file's key is tenant-prefixed and names its item, like a GridFS file's metadata:
``files/<tenant>/<media>/<name>/<token>``. The key is the file's id, fixed when the file is
created (a multipart upload's key cannot change). The content's digest is in the URLs
(``/files/<tenant>/<media>/<name>-<sha256>.<ext>``, from the item's record), not the key, as
with GridFS's ObjectIds: ``<token>`` is the creation time (sortable) and a random part, so a
second worker rendering the same item (same bytes) never writes, nor later deletes as its
own, the key the item records.

A file is *pending* while a marker ``pending/<token>/<tenant>/<media>/<name>`` exists: the
bucket lists keys in order, so the oldest pending files come first.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

FILES = "files/"
PENDING = "pending/"
STAMP = "%Y%m%dT%H%M%S%fZ"  # fixed width: keys sort by time


@dataclass(frozen=True, slots=True)
class FileKey:
    tenant_id: str
    media_id: str
    name: str
    token: str

    @classmethod
    def new(cls, tenant_id: str, media_id: str, name: str, now: datetime) -> FileKey:
        token = f"{now.astimezone(UTC).strftime(STAMP)}-{secrets.token_hex(8)}"
        return cls(tenant_id, media_id, name, token)

    @property
    def key(self) -> str:
        return f"{FILES}{self.tenant_id}/{self.media_id}/{self.name}/{self.token}"

    @property
    def marker(self) -> str:
        return f"{PENDING}{self.token}/{self.tenant_id}/{self.media_id}/{self.name}"

    @property
    def created_at(self) -> datetime:
        return datetime.strptime(self.token.split("-", 1)[0], STAMP).replace(tzinfo=UTC)

    @classmethod
    def of_file(cls, tenant_id: str, file_id: str) -> FileKey | None:
        """The key of one of the tenant's files; None for anything else (another tenant's)."""
        parts = file_id.removeprefix(FILES).split("/")
        if not file_id.startswith(FILES) or len(parts) != 4 or parts[0] != tenant_id:
            return None
        return cls(*parts) if all(parts) and _is_token(parts[3]) else None

    @classmethod
    def of_marker(cls, marker: str) -> FileKey | None:
        parts = marker.removeprefix(PENDING).split("/")
        if not marker.startswith(PENDING) or len(parts) != 4 or not _is_token(parts[0]):
            return None
        token, tenant_id, media_id, name = parts
        return cls(tenant_id, media_id, name, token)


def item_prefix(tenant_id: str, media_id: str) -> str:
    return f"{FILES}{tenant_id}/{media_id}/"


def _is_token(token: str) -> bool:
    stamp, _, rest = token.partition("-")
    try:
        datetime.strptime(stamp, STAMP)
    except ValueError:
        return False
    return bool(rest)
