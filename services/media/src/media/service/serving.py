"""Finding a file by its content-addressed path, within the tenant the path names."""

from __future__ import annotations

from dataclasses import dataclass

from media.domain.errors import MediaNotFoundError
from media.domain.item import MediaItem
from media.domain.renditions import ORIGINAL, StoredFile
from media.service.ports import Deps, StoredContent, UnitOfWork


@dataclass(frozen=True, slots=True)
class ServedFile:
    item: MediaItem
    file: StoredFile
    content: StoredContent

    @property
    def is_original(self) -> bool:
        return self.file.name == ORIGINAL


async def open_file(
    uow: UnitOfWork, deps: Deps, tenant_id: str, media_id: str, file_name: str
) -> ServedFile:
    """``file_name`` is ``<name>-<digest>.<extension>`` as the item lists it; another tenant's,
    a deleted item's, an unknown file and a known one under another extension are not found
    alike."""
    key, _, extension = file_name.rpartition(".")
    name, _, digest = key.rpartition("-")
    async with uow:
        item = await uow.media.get(tenant_id, media_id)
    file = None if item is None else item.file(name, digest)
    if file is not None and file.extension != extension:
        file = None
    content = None if file is None else await deps.storage.open(tenant_id, file.file_id)
    if item is None or file is None or content is None:
        raise MediaNotFoundError("No such file")
    return ServedFile(item, file, content)


async def open_original(uow: UnitOfWork, deps: Deps, tenant_id: str, media_id: str) -> ServedFile:
    """The item's original, for staff (whatever its state, unless rejected or deleted)."""
    async with uow:
        item = await uow.media.get(tenant_id, media_id)
    content = None if item is None else await deps.storage.open(tenant_id, item.original.file_id)
    if item is None or content is None:
        raise MediaNotFoundError(f"No media item {media_id}")
    return ServedFile(item, item.original, content)
