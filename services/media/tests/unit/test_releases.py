"""The read model of releases: newer news wins, a withdrawal is final, and an item's access
follows every release naming it."""

from __future__ import annotations

import pytest
from media_support.releases import embargoed, published, updated, withdrawn

from media.domain.errors import (
    BadSignatureError,
    LinkExpiredError,
    NotPublicError,
    WithdrawnError,
)
from media.domain.releases import Access, KnownRelease, ReleaseState, access_of, admit
from media.service.releases import release_changed
from newsroom_shared.signed_urls import Verdict


async def state_of(uow, release_id: str = "r1") -> KnownRelease:
    found = await uow.releases.get("tenant-a", release_id)
    assert found is not None
    return found


async def test_the_lift_of_an_embargo_makes_a_release_public(uow) -> None:
    assert await release_changed(uow, embargoed("r1", ["m1"]))
    assert (await state_of(uow)).state is ReleaseState.EMBARGOED
    assert await release_changed(uow, published("r1", ["m1"]))  # same version, at the lift
    assert (await state_of(uow)).state is ReleaseState.PUBLIC
    assert not await release_changed(uow, embargoed("r1", ["m1"]))  # redelivered: old news


async def test_a_correction_follows_the_media_it_names(uow) -> None:
    await release_changed(uow, published("r1", ["m1", "m2"]))
    await release_changed(uow, updated("r1", ["m2"], version=3))
    assert not await release_changed(uow, updated("r1", ["m1"], version=2))  # late, older
    assert (await state_of(uow)).media_ids == ("m2",)


async def test_a_withdrawal_is_final_whatever_order_events_arrive_in(uow) -> None:
    assert await release_changed(uow, withdrawn("r1"))
    assert await release_changed(uow, published("r1", ["m1"]))  # late: media known, still down
    release = await state_of(uow)
    assert (release.state, release.media_ids) == (ReleaseState.WITHDRAWN, ("m1",))
    assert not await release_changed(uow, withdrawn("r1"))


async def test_one_tenants_release_is_not_anothers(uow) -> None:
    await release_changed(uow, published("r1", ["m1"], tenant="tenant-b"))
    assert await uow.releases.get("tenant-a", "r1") is None
    assert await uow.releases.naming("tenant-a", ["m1"]) == []


def release(state: ReleaseState) -> KnownRelease:
    return KnownRelease("tenant-a", f"r-{state}", state, ("m1",), 1)


@pytest.mark.parametrize(
    ("states", "access"),
    [
        ((), Access.STAFF_ONLY),  # in no known release: maybe a draft's
        ((ReleaseState.EMBARGOED,), Access.STAFF_ONLY),
        ((ReleaseState.PUBLIC,), Access.PUBLIC),
        ((ReleaseState.WITHDRAWN,), Access.WITHDRAWN),
        ((ReleaseState.WITHDRAWN, ReleaseState.PUBLIC), Access.PUBLIC),  # still online there
        ((ReleaseState.WITHDRAWN, ReleaseState.EMBARGOED), Access.STAFF_ONLY),
    ],
)
def test_access_follows_every_release_naming_the_item(states, access) -> None:
    assert access_of(release(s) for s in states) is access


def test_who_is_admitted() -> None:
    admit(Access.PUBLIC, staff=False, signature=Verdict.ABSENT)
    admit(Access.STAFF_ONLY, staff=True, signature=Verdict.ABSENT)
    admit(Access.WITHDRAWN, staff=False, signature=Verdict.VALID)
    refused = {
        (Access.STAFF_ONLY, Verdict.ABSENT): NotPublicError,
        (Access.STAFF_ONLY, Verdict.EXPIRED): LinkExpiredError,
        (Access.STAFF_ONLY, Verdict.INVALID): BadSignatureError,
        (Access.WITHDRAWN, Verdict.ABSENT): WithdrawnError,
    }
    for (access, verdict), error in refused.items():
        with pytest.raises(error):
            admit(access, staff=False, signature=verdict)
