"""Finding a file by its content-addressed path, within the tenant the path names, and
deciding whether this caller may have it (see :mod:`media.domain.releases`)."""

from __future__ import annotations

from dataclasses import dataclass

from media.domain.errors import MediaNotFoundError
from media.domain.item import MediaItem
from media.domain.releases import Access, admit
from media.domain.renditions import ORIGINAL, PUBLIC_ORIGINAL, StoredFile
from media.service.ports import Deps, StoredContent, UnitOfWork
from media.service.releases import item_access


@dataclass(frozen=True, slots=True)
class Proof:
    """What a caller of a file URL showed: staff of the path's tenant, and/or a signed link
    (``expires`` and ``signature`` of its query)."""

    staff: bool = False
    expires: str | None = None
    signature: str | None = None


@dataclass(frozen=True, slots=True)
class ServedFile:
    item: MediaItem
    file: StoredFile
    content: StoredContent
    access: Access = Access.STAFF_ONLY

    @property
    def is_original(self) -> bool:
        return self.file.name in (ORIGINAL, PUBLIC_ORIGINAL)

    @property
    def public(self) -> bool:
        """Anyone may have it: shared caches may keep it."""
        return self.access is Access.PUBLIC


async def open_file(
    uow: UnitOfWork, deps: Deps, tenant_id: str, media_id: str, file_name: str, proof: Proof
) -> ServedFile:
    """``file_name`` is ``<name>-<digest>.<extension>`` as the item lists it; another tenant's,
    a deleted item's, an unknown file and a known one under another extension are not found
    alike. Found, it is served if public, or to staff, or with a valid signature; the
    original as uploaded only to staff (its personal metadata stays in the newsroom)."""
    key, _, extension = file_name.rpartition(".")
    name, _, digest = key.rpartition("-")
    async with uow:
        item = await uow.media.get(tenant_id, media_id)
        access = Access.STAFF_ONLY if item is None else await item_access(uow, tenant_id, media_id)
    file = None if item is None else item.file(name, digest)
    if item is None or file is None or file.extension != extension:
        raise MediaNotFoundError("No such file")
    path = file.path(tenant_id, media_id)
    verdict = deps.signatures.check(path, proof.expires, proof.signature, deps.clock.now())
    admit(access, staff=proof.staff, signature=verdict)
    if item.staff_only(file) and not proof.staff:  # the public get the cleaned one
        raise MediaNotFoundError("No such file")
    content = await deps.storage.open(tenant_id, file.file_id)
    if content is None:
        raise MediaNotFoundError("No such file")
    return ServedFile(item, file, content, access)


async def open_original(uow: UnitOfWork, deps: Deps, tenant_id: str, media_id: str) -> ServedFile:
    """The item's original, for staff (whatever its state, unless rejected or deleted)."""
    async with uow:
        item = await uow.media.get(tenant_id, media_id)
    content = None if item is None else await deps.storage.open(tenant_id, item.original.file_id)
    if item is None or content is None:
        raise MediaNotFoundError(f"No media item {media_id}")
    return ServedFile(item, item.original, content)
