"""The shared group commit: items submitted while a group commits share the next one; each
caller gets its own result or error; a full queue holds new callers back."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from newsroom_shared.group_commit import GroupCommit


class Recorder:
    def __init__(self) -> None:
        self.groups: list[list[int]] = []
        self.release = asyncio.Event()
        self.release.set()

    async def commit(self, items: Sequence[int]) -> list[str | Exception]:
        self.groups.append(list(items))
        await self.release.wait()
        return [ValueError(f"odd {i}") if i % 2 else f"ok {i}" for i in items]


async def test_a_lone_item_commits_at_once_with_its_result() -> None:
    recorder = Recorder()
    group = GroupCommit(recorder.commit, max_group=64)
    assert await group.submit(2) == "ok 2"
    assert recorder.groups == [[2]]


async def test_items_arriving_during_a_commit_share_the_next_group_of_at_most_max() -> None:
    recorder = Recorder()
    recorder.release.clear()
    group = GroupCommit(recorder.commit, max_group=3)
    first = asyncio.create_task(group.submit(0))
    await asyncio.sleep(0.01)  # the first group commits alone and waits
    rest = [asyncio.create_task(group.submit(n)) for n in range(2, 12, 2)]
    await asyncio.sleep(0.01)
    assert group.backlog == 6
    recorder.release.set()
    assert await first == "ok 0"
    assert await asyncio.gather(*rest) == [f"ok {n}" for n in range(2, 12, 2)]
    assert recorder.groups == [[0], [2, 4, 6], [8, 10]]
    assert group.backlog == 0


async def test_each_caller_gets_its_own_error_and_the_others_their_results() -> None:
    group = GroupCommit(Recorder().commit, max_group=8)
    answers = await asyncio.gather(*(group.submit(n) for n in range(4)), return_exceptions=True)
    assert answers[0] == "ok 0"
    assert answers[2] == "ok 2"
    assert isinstance(answers[1], ValueError)
    assert str(answers[3]) == "odd 3"


async def test_a_failed_commit_fails_every_item_of_its_group_only() -> None:
    calls = 0

    async def commit(items: Sequence[int]) -> list[int]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("database down")
        return list(items)

    group = GroupCommit(commit, max_group=8)
    first = asyncio.create_task(group.submit(1))
    await asyncio.sleep(0)
    with pytest.raises(RuntimeError):
        await first
    assert await group.submit(2) == 2


async def test_a_full_queue_holds_new_items_back_until_a_group_takes_some() -> None:
    recorder = Recorder()
    recorder.release.clear()
    group = GroupCommit(recorder.commit, max_group=2, max_queued=2)
    tasks = [asyncio.create_task(group.submit(n)) for n in range(0, 12, 2)]
    await asyncio.sleep(0.01)
    # The first group (0, 2) commits; 4 and 6 are queued; 8 and 10 wait for room.
    assert recorder.groups == [[0, 2]]
    assert group.backlog == 4
    recorder.release.set()
    assert await asyncio.gather(*tasks) == [f"ok {n}" for n in range(0, 12, 2)]
    assert recorder.groups == [[0, 2], [4, 6], [8, 10]]


async def test_a_caller_that_gives_up_leaves_its_item_to_its_group() -> None:
    recorder = Recorder()
    recorder.release.clear()
    group = GroupCommit(recorder.commit, max_group=4)
    gone = asyncio.create_task(group.submit(4))
    await asyncio.sleep(0.01)
    gone.cancel()
    await asyncio.sleep(0)
    recorder.release.set()
    assert await group.submit(6) == "ok 6"
    assert recorder.groups == [[4], [6]]
