"""Which replica follows which source, without I/O: a lease per source decides; a source whose
lease is lost or that was deleted stops being followed; a follower that ended is started again
while the lease is held; stopping gives every lease up."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from listening.domain.mastodon import MastodonSource
from listening.service.mastodon_supervisor import Followers

NOW = datetime(2030, 1, 1, tzinfo=UTC)


class Leases:
    """Who holds each lease: this replica ("me") or another."""

    def __init__(self) -> None:
        self.holder: dict[str, str] = {}
        self.released: list[str] = []

    def lease_for(self, source_id: str) -> Any:
        leases = self

        class Lease:
            async def acquire(self) -> bool:
                return leases.holder.setdefault(source_id, "me") == "me"

            async def release(self) -> None:
                leases.released.append(source_id)
                leases.holder.pop(source_id, None)

        return Lease()


class Follow:
    def __init__(self) -> None:
        self.started: list[str] = []
        self.finish_at_once = False

    async def __call__(self, source: MastodonSource) -> None:
        self.started.append(source.id)
        if not self.finish_at_once:
            await asyncio.Event().wait()  # follows until cancelled


async def a_source(uow: Any, tag: str) -> MastodonSource:
    source = MastodonSource.create(
        tenant_id="t",
        instance_url="https://mastodon.example",
        timeline="hashtag",
        hashtag=tag,
        local_only=False,
        sealed_token=None,
        now=NOW,
    )
    await uow.mastodon_sources.add(source)
    return source


async def test_sources_whose_lease_is_taken_are_followed_here(uow: Any) -> None:
    leases, follow = Leases(), Follow()
    mine, theirs = await a_source(uow, "a"), await a_source(uow, "b")
    leases.holder[theirs.id] = "another replica"
    followers = Followers(lambda: uow, leases.lease_for, follow)

    await followers.step()
    await followers.step()
    await asyncio.sleep(0)

    assert followers.following == {mine.id}
    assert follow.started == [mine.id]
    await followers.stop()


async def test_a_lost_lease_or_a_deleted_source_stops_following(uow: Any) -> None:
    leases, follow = Leases(), Follow()
    lost, deleted = await a_source(uow, "a"), await a_source(uow, "b")
    followers = Followers(lambda: uow, leases.lease_for, follow)
    await followers.step()
    assert followers.following == {lost.id, deleted.id}

    leases.holder[lost.id] = "another replica"
    await uow.mastodon_sources.delete("t", deleted.id)
    await followers.step()

    assert followers.following == set()
    assert leases.released == [deleted.id]  # the lost one is not ours to give up


async def test_a_follower_that_ended_starts_again_and_stop_gives_the_leases_up(uow: Any) -> None:
    leases, follow = Leases(), Follow()
    follow.finish_at_once = True
    source = await a_source(uow, "a")
    followers = Followers(lambda: uow, leases.lease_for, follow)

    await followers.step()
    await asyncio.sleep(0)
    await followers.step()
    await asyncio.sleep(0)
    await followers.stop()

    assert follow.started == [source.id, source.id]
    assert leases.released == [source.id]
