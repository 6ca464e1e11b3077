"""The read models: settings are kept only for newsrooms the publisher's events told of, per
tenant; the newest newsroom version wins; a release id is one tenant's only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from comments.domain.errors import NotFoundError, TenantMismatchError
from comments.domain.settings import CommentSettings, ModerationMode
from comments.service import newsrooms, releases, settings
from newsroom_shared.events.publisher import (
    NewsroomCreated,
    NewsroomUpdated,
    ReleasePublished,
    ReleaseWithdrawn,
)

from .conftest import FakeUnitOfWork, Store


def created(tenant: str = "t1", version: int = 1, name: str = "Acme") -> NewsroomCreated:
    return NewsroomCreated(
        tenant_id=tenant,
        newsroom_id="n1",
        slug="acme",
        name=name,
        default_language="en",
        version=version,
        updated_at=datetime(2030, 1, 1, tzinfo=UTC),
    )


async def test_settings_need_a_newsroom_of_the_tenant(uow: FakeUnitOfWork) -> None:
    with pytest.raises(NotFoundError):
        await settings.get_settings(uow, "t1", "n1")
    await newsrooms.newsroom_changed(uow, created())
    assert (await settings.get_settings(uow, "t1", "n1")).mode is ModerationMode.pre
    changed = CommentSettings("t1", "n1", mode=ModerationMode.post, open_days=7)
    assert await settings.put_settings(uow, changed) == changed
    assert await settings.get_settings(uow, "t1", "n1") == changed
    with pytest.raises(NotFoundError):  # the same newsroom id in another tenant is not known
        await settings.put_settings(uow, CommentSettings("t2", "n1"))


async def test_an_older_newsroom_event_changes_nothing(uow: FakeUnitOfWork, store: Store) -> None:
    newer = NewsroomUpdated(**{**created().model_dump(), "version": 3, "name": "Acme Three"})
    await newsrooms.newsroom_changed(uow, newer)
    await newsrooms.newsroom_changed(uow, created(version=2, name="Acme Two"))
    assert store.newsrooms[("t1", "n1")].name == "Acme Three"


async def test_a_release_id_another_tenant_has_is_never_applied(uow: FakeUnitOfWork) -> None:
    first = ReleasePublished(
        tenant_id="t1",
        release_id="r1",
        newsroom_id="n1",
        newsroom_slug="acme",
        slug="news",
        title="News",
        language="en",
        url="https://news.example/acme/releases/r1",
        version=1,
        published_at=datetime(2030, 1, 1, tzinfo=UTC),
    )
    await releases.release_published(uow, first)
    with pytest.raises(TenantMismatchError):
        await releases.release_published(uow, first.model_copy(update={"tenant_id": "t2"}))
    withdrawn = ReleaseWithdrawn(
        tenant_id="t2", release_id="r1", newsroom_id="n1", withdrawn_at=first.published_at
    )
    with pytest.raises(TenantMismatchError):
        await releases.release_withdrawn(uow, withdrawn)
