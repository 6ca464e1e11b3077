"""The page use case on in-memory fakes, and the pieces of a page that need no server."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from starlette.requests import Request

from newsroom_shared.http.conditional import Validators, not_modified
from publisher.domain.content import ContentChanges
from publisher.domain.errors import InvalidInputError, NotFoundError
from publisher.domain.newsroom import Newsroom
from publisher.entrypoints.web.rendering import script_json
from publisher.service import newsrooms, pages, releases, workflow
from publisher.service.ports import Caller, PublicPosition


async def _release(uow, deps, caller, newsroom, title: str):
    changes = ContentChanges(title=title)
    view = await releases.create_release(
        uow, deps, caller, newsroom_id=newsroom.id, changes=changes
    )
    return view.release


async def test_a_page_shows_published_and_withdrawn_releases_of_its_own_newsroom_only(
    uow, deps, caller
) -> None:
    acme = await newsrooms.create_newsroom(uow, deps, caller, name="Acme", default_language="en")
    other = await newsrooms.create_newsroom(uow, deps, caller, name="Other", default_language="en")
    stranger = Caller(tenant_id="t-stranger", actor="key-stranger")
    theirs = await newsrooms.create_newsroom(
        uow, deps, stranger, name="Globex", default_language="en"
    )
    public = await _release(uow, deps, caller, acme, "Public")
    await workflow.publish(uow, deps, caller, public.id)
    gone = await _release(uow, deps, caller, acme, "Gone")
    await workflow.publish(uow, deps, caller, gone.id)
    await workflow.withdraw(uow, deps, caller, gone.id, reason="wrong")
    draft = await _release(uow, deps, caller, acme, "Draft")
    later = deps.clock.now() + timedelta(hours=1)
    embargoed = await _release(uow, deps, caller, acme, "Embargoed")
    await workflow.publish(uow, deps, caller, embargoed.id, embargo_until=later)
    never_out = await _release(uow, deps, caller, acme, "Never out")
    await workflow.publish(uow, deps, caller, never_out.id, embargo_until=later)
    await workflow.withdraw(uow, deps, caller, never_out.id, reason="x")
    scheduled = await _release(uow, deps, caller, acme, "Scheduled")
    await workflow.schedule(uow, deps, caller, scheduled.id, publish_at=later)

    shown = await pages.release_page(uow, acme.slug, public.id)
    assert (shown.view.release.id, shown.withdrawn) == (public.id, False)
    assert (await pages.release_page(uow, acme.slug, gone.id)).withdrawn
    for hidden in (draft, embargoed, never_out, scheduled):
        with pytest.raises(NotFoundError):
            await pages.release_page(uow, acme.slug, hidden.id)
    for slug in (other.slug, theirs.slug, "nobody"):
        with pytest.raises(NotFoundError):
            await pages.release_page(uow, slug, public.id)


@pytest.mark.parametrize("slug", ["api", "v22", "docs", "healthz", "metrics"])  # v1: too short
def test_a_newsroom_slug_cannot_take_a_path_of_the_site_itself(slug: str) -> None:
    now = datetime(2026, 12, 3, tzinfo=UTC)
    with pytest.raises(InvalidInputError, match="reserved"):
        Newsroom.create(tenant_id="t", name="X", default_language="en", now=now, slug=slug)
    derived = Newsroom.create(tenant_id="t", name=slug.upper(), default_language="en", now=now)
    assert derived.slug == f"{slug}-newsroom"  # a name is never refused for its slug


def _request(**headers: str) -> Request:
    raw = [(k.lower().replace("_", "-").encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": raw})


VALIDATORS = Validators.of(["r", 1], datetime(2026, 12, 3, 10, 0, 0, 500_000, tzinfo=UTC))


def test_conditional_get_compares_etags_weakly_and_dates_by_the_second() -> None:
    etag = VALIDATORS.etag
    assert VALIDATORS.headers()["Last-Modified"] == "Thu, 03 Dec 2026 10:00:00 GMT"
    assert not_modified(_request(If_None_Match=etag), VALIDATORS)
    assert not_modified(_request(If_None_Match=f'"a", W/{etag}'), VALIDATORS)
    assert not_modified(_request(If_None_Match="*"), VALIDATORS)
    assert not not_modified(_request(If_None_Match='"a"'), VALIDATORS)
    same_second = "Thu, 03 Dec 2026 10:00:00 GMT"
    assert not_modified(_request(If_Modified_Since=same_second), VALIDATORS)
    earlier = "Thu, 03 Dec 2026 09:59:59 GMT"
    assert not not_modified(_request(If_Modified_Since=earlier), VALIDATORS)
    assert not not_modified(_request(If_Modified_Since="not a date"), VALIDATORS)
    assert not not_modified(
        _request(If_None_Match='"a"', If_Modified_Since=same_second), VALIDATORS
    )
    assert not not_modified(_request(), VALIDATORS)


def test_json_ld_cannot_close_its_script_element() -> None:
    value = {"headline": "</script><script>alert(1)</script> & <!--"}
    text = str(script_json(value))
    assert "<" not in text
    assert ">" not in text
    assert "&" not in text
    assert json.loads(text) == value


async def test_the_home_page_lists_published_releases_newest_first_in_slices(
    uow, deps, caller
) -> None:
    acme = await newsrooms.create_newsroom(uow, deps, caller, name="Acme", default_language="en")
    ids = []
    for n in range(3):
        deps.clock.advance(timedelta(minutes=1))
        release = await _release(uow, deps, caller, acme, f"R{n}")
        await workflow.publish(uow, deps, caller, release.id)
        ids.append(release.id)
    await _release(uow, deps, caller, acme, "Draft")

    first = await pages.newsroom_home(uow, acme.slug, after=None, limit=2)
    assert first.newsroom.id == acme.id
    assert [r.id for r in first.releases.items] == [ids[2], ids[1]]
    assert first.releases.more
    last = first.releases.items[-1]
    after = PublicPosition(published_at=last.published_at, release_id=last.id)
    rest = await pages.newsroom_home(uow, acme.slug, after=after, limit=2)
    assert [r.id for r in rest.releases.items] == [ids[0]]
    assert not rest.releases.more
    with pytest.raises(NotFoundError):
        await pages.newsroom_home(uow, "nobody", after=None, limit=2)
