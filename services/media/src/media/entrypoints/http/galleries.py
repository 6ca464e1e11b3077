"""Staff's galleries: ordered, captioned sets of the tenant's media items."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from media.entrypoints.http.dependencies import Editor, MediaDep, Viewer
from media.entrypoints.http.schemas.galleries import (
    CaptionIn,
    GalleryIn,
    GalleryOut,
    GalleryUpdate,
    ItemsIn,
    OrderIn,
)
from media.service import galleries
from newsroom_shared.http.errors import error_responses
from newsroom_shared.http.pagination import Cursor, Limit, Page, cursor_str, encode_cursor

router = APIRouter(prefix="/v1/galleries", tags=["galleries"])
CHANGES = error_responses(409, 422)


@router.post("", status_code=status.HTTP_201_CREATED, responses=CHANGES)
async def create_gallery(body: GalleryIn, caller: Editor, media: MediaDep) -> GalleryOut:
    """Create a gallery of the tenant's items (422 `unknown_media`, `duplicate_item`; 409
    `release_has_gallery`)."""
    gallery = await galleries.create(
        media.uow(),
        media.deps,
        caller,
        title=body.title,
        release_id=body.release_id,
        items=[i.place() for i in body.items],
    )
    return GalleryOut.of(gallery)


@router.get("")
async def list_galleries(
    caller: Viewer, media: MediaDep, limit: Limit, cursor: Cursor = None
) -> Page[GalleryOut]:
    """List the tenant's galleries, newest first."""
    after = cursor_str(cursor, "id")
    found = await galleries.page(media.reader(), caller, after_id=after, limit=limit + 1)
    more, found = len(found) > limit, found[:limit]
    return Page(
        items=[GalleryOut.of(g) for g in found],
        next_cursor=encode_cursor({"id": found[-1].gallery_id}) if more else None,
    )


@router.get("/{gallery_id}")
async def get_gallery(gallery_id: str, caller: Viewer, media: MediaDep) -> GalleryOut:
    """One gallery."""
    return GalleryOut.of(await galleries.get(media.reader(), caller, gallery_id))


@router.patch("/{gallery_id}", responses=CHANGES)
async def update_gallery(
    gallery_id: str, body: GalleryUpdate, caller: Editor, media: MediaDep
) -> GalleryOut:
    """Change its title, or the release it belongs to (`null`: none)."""
    sent = body.model_fields_set
    now = media.deps.clock.now()
    gallery = await galleries.change(
        media.uow(),
        caller,
        gallery_id,
        lambda g: g.described(
            body.title or g.title, body.release_id if "release_id" in sent else g.release_id, now
        ),
    )
    return GalleryOut.of(gallery)


@router.put("/{gallery_id}/items", responses=CHANGES)
async def set_gallery_items(
    gallery_id: str, body: ItemsIn, caller: Editor, media: MediaDep
) -> GalleryOut:
    """Replace its items (add, remove, reorder and caption in one)."""
    places = [i.place() for i in body.items]
    now = media.deps.clock.now()
    gallery = await galleries.change(
        media.uow(), caller, gallery_id, lambda g: g.with_items(places, now), new_media=True
    )
    return GalleryOut.of(gallery)


@router.put("/{gallery_id}/order", responses=CHANGES)
async def reorder_gallery(
    gallery_id: str, body: OrderIn, caller: Editor, media: MediaDep
) -> GalleryOut:
    """Put its items in a new order (422 `not_a_reordering` unless every item is named once)."""
    now = media.deps.clock.now()
    gallery = await galleries.change(
        media.uow(), caller, gallery_id, lambda g: g.reordered(body.media_ids, now)
    )
    return GalleryOut.of(gallery)


@router.put("/{gallery_id}/items/{media_id}/caption", responses=CHANGES)
async def caption_gallery_item(
    gallery_id: str, media_id: str, body: CaptionIn, caller: Editor, media: MediaDep
) -> GalleryOut:
    """Set one item's caption in this gallery."""
    now = media.deps.clock.now()
    gallery = await galleries.change(
        media.uow(), caller, gallery_id, lambda g: g.captioned(media_id, body.caption, now)
    )
    return GalleryOut.of(gallery)


@router.delete("/{gallery_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_gallery(gallery_id: str, caller: Editor, media: MediaDep) -> Response:
    """Delete the gallery (its items stay)."""
    await galleries.delete(media.uow(), media.deps, caller, gallery_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
