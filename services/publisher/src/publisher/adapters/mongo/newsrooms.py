"""Collection ``newsrooms``.

Indexes: ``slug`` unique on its own (not under ``tenant_id``): public URLs carry only the slug,
so slugs are global and the public lookup is how a visitor's request finds its tenant. Likewise
``domain`` (unique where set, a partial index): a request on a newsroom's own domain names only
the host.
"""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from newsroom_shared.mongo import Document
from newsroom_shared.page_versions import PageWriter
from publisher.adapters.mongo.contacts import contacts_document, contacts_of
from publisher.domain.errors import AlreadyExistsError
from publisher.domain.newsroom import Newsroom
from publisher.service.ports import Site

DOMAIN_INDEX = "public_domain"


def _taken(error: DuplicateKeyError, newsroom: Newsroom) -> AlreadyExistsError:
    """Which unique name the write collided on: the domain or the slug."""
    pattern = (error.details or {}).get("keyPattern") or {}
    if "domain" in pattern or DOMAIN_INDEX in str(error):
        return AlreadyExistsError(f"domain {newsroom.domain!r} is taken by another newsroom")
    return AlreadyExistsError(f"newsroom slug {newsroom.slug!r} is taken")


def _document(newsroom: Newsroom) -> Document:
    return {
        "_id": newsroom.id,
        "tenant_id": newsroom.tenant_id,
        "slug": newsroom.slug,
        "name": newsroom.name,
        "default_language": newsroom.default_language,
        "description": newsroom.description,
        "logo_media_id": newsroom.logo_media_id,
        "brand_color": newsroom.brand_color,
        "contacts": contacts_document(newsroom.contacts),
        "requires_approval": newsroom.requires_approval,
        # Absent rather than null when there is none: the unique index is partial on strings.
        **({"domain": newsroom.domain} if newsroom.domain else {}),
        "created_at": newsroom.created_at,
        "updated_at": newsroom.updated_at,
        "version": newsroom.version,
    }


def newsroom_of(document: Document) -> Newsroom:
    return Newsroom(
        id=document["_id"],
        tenant_id=document["tenant_id"],
        slug=document["slug"],
        name=document["name"],
        default_language=document["default_language"],
        description=document["description"],
        logo_media_id=document["logo_media_id"],
        brand_color=document.get("brand_color"),  # absent in newsrooms stored before it
        contacts=contacts_of(document["contacts"]),
        requires_approval=document["requires_approval"],
        domain=document.get("domain"),
        created_at=document["created_at"],
        updated_at=document["updated_at"],
        # Newsrooms stored before versions existed are at their first.
        version=document.get("version", 1),
    )


class MongoNewsrooms(PageWriter):
    COLLECTION = "newsrooms"

    async def add(self, newsroom: Newsroom) -> None:
        self._pages.note(newsroom.tenant_id)
        try:
            await self._collection.insert_one(_document(newsroom), **self._opts())
        except DuplicateKeyError as error:
            raise _taken(error, newsroom) from error

    async def get(self, tenant_id: str, newsroom_id: str) -> Newsroom | None:
        found = await self._find_one({"_id": newsroom_id, "tenant_id": tenant_id})
        return None if found is None else newsroom_of(found)

    async def get_by_slug(self, slug: str) -> Newsroom | None:
        found = await self._find_one({"slug": slug})
        return None if found is None else newsroom_of(found)

    async def page(self, tenant_id: str, *, after_id: str | None, limit: int) -> list[Newsroom]:
        query: Document = {"tenant_id": tenant_id}
        if after_id is not None:
            query["_id"] = {"$lt": after_id}
        rows = await self._find(query, sort=[("_id", DESCENDING)], limit=limit)
        return [newsroom_of(row) for row in rows]

    async def page_all(self, *, after_id: str | None, limit: int) -> list[Newsroom]:
        # Across tenants on purpose: an operator task (republish) walking every newsroom by _id.
        query: Document = {} if after_id is None else {"_id": {"$gt": after_id}}
        rows = await self._find(query, sort=[("_id", ASCENDING)], limit=limit)
        return [newsroom_of(row) for row in rows]

    async def sites(self) -> list[Site]:
        # Across tenants on purpose: the map from a request's host to its newsroom, on the
        # partial index of the newsrooms that have a domain (only those are read).
        cursor = self._collection.find(
            {"domain": {"$type": "string"}}, {"domain": 1, "slug": 1}, **self._opts()
        )
        return [Site(domain=row["domain"], slug=row["slug"]) async for row in cursor]

    async def save(self, newsroom: Newsroom) -> None:
        self._pages.note(newsroom.tenant_id)
        try:
            await self._collection.replace_one(
                {"_id": newsroom.id, "tenant_id": newsroom.tenant_id},
                _document(newsroom),
                **self._opts(),
            )
        except DuplicateKeyError as error:
            raise _taken(error, newsroom) from error
