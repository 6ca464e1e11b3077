"""The scheduler's use cases: find due releases, publish one exactly once."""

from __future__ import annotations

from publisher.domain.errors import NotFoundError
from publisher.service import events
from publisher.service.media import release_image
from publisher.service.ports import Deps, DueRelease, UnitOfWork
from publisher.service.releases import store
from publisher.service.transactions import atomically


async def find_due(uow: UnitOfWork, deps: Deps, *, limit: int) -> list[DueRelease]:
    async with uow:
        return await uow.releases.due(deps.clock.now(), limit=limit)


async def publish_due(uow: UnitOfWork, deps: Deps, due: DueRelease) -> bool:
    """Publish one due release; ``False`` when it is not due (any more), e.g. another replica won.

    The save is conditional on the version we read, inside the transaction that also writes the
    event: of two replicas racing, one commits, the other gets a write conflict or no match,
    retries, finds the release published and does nothing. So one ReleasePublished per release.
    """

    async def command() -> bool:
        found = await uow.releases.get_with_newsroom(due.tenant_id, due.release_id)
        if found is None:
            return False
        release, newsroom = found
        loaded_version = release.version
        if not release.publish_if_due(deps.clock.now()):
            return False
        if newsroom is None:
            raise NotFoundError("newsroom", release.newsroom_id)
        await store(uow, release, loaded_version=loaded_version)
        image = await release_image(uow, release)
        uow.emit(events.published(release, newsroom, deps.links, image))
        return True

    return await atomically(uow, command)
