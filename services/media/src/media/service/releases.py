"""The publisher's release events kept as the read model deciding who may see which media."""

from __future__ import annotations

from media.domain.releases import Access, KnownRelease, ReleaseState, access_of, applied
from media.service.ports import UnitOfWork
from newsroom_shared.events.publisher import (
    ReleaseEmbargoed,
    ReleasePublished,
    ReleaseUpdated,
    ReleaseWithdrawn,
)

ReleaseEvent = ReleasePublished | ReleaseUpdated | ReleaseEmbargoed | ReleaseWithdrawn


def news_of(event: ReleaseEvent) -> KnownRelease:
    """What one event says of its release."""
    if isinstance(event, ReleaseWithdrawn):
        return KnownRelease(
            tenant_id=event.tenant_id,
            release_id=event.release_id,
            state=ReleaseState.WITHDRAWN,
            media_ids=(),
            version=0,  # the withdrawal carries none; it is final whatever it meets
            changed_at=event.withdrawn_at,
        )
    if isinstance(event, ReleaseEmbargoed):
        state, when = ReleaseState.EMBARGOED, None  # the event says when it lifts, not when
    elif isinstance(event, ReleasePublished):
        state, when = ReleaseState.PUBLIC, event.published_at
    else:
        state, when = ReleaseState.PUBLIC, event.updated_at
    return KnownRelease(
        tenant_id=event.tenant_id,
        release_id=event.release_id,
        state=state,
        media_ids=tuple(dict.fromkeys(event.media_ids)),
        version=event.version,
        slug=event.slug,
        title=event.title,
        changed_at=when,
    )


async def item_access(uow: UnitOfWork, tenant_id: str, media_id: str) -> Access:
    """Inside an open unit of work: who may fetch the item's files, from the releases naming
    it and, unless a public one settles it, whether a newsroom shows it as its logo."""
    releases = await uow.releases.naming(tenant_id, [media_id])
    if access_of(releases) is Access.PUBLIC:
        return Access.PUBLIC
    return access_of(releases, logo=await uow.logos.is_logo(tenant_id, media_id))


async def release_changed(uow: UnitOfWork, event: ReleaseEvent) -> bool:
    """Apply one release event in the unit of work (the consumer's inbox transaction);
    False when it was old news (a redelivery past a newer event, or after the withdrawal)."""
    news = news_of(event)
    current = await uow.releases.get(news.tenant_id, news.release_id)
    after = applied(current, news)
    if after is None:
        return False
    await uow.releases.put(after)
    return True
