"""The background loop: again at once while there is work, waits when idle, backs off on errors."""

from __future__ import annotations

import asyncio

from newsroom_shared.background import BackgroundLoop, Doorbell


class Script:
    """A step that answers from a script, then idles; records each pass."""

    def __init__(self, *answers: int | Exception) -> None:
        self.answers = list(answers)
        self.calls = 0
        self.done = asyncio.Event()

    async def __call__(self) -> int:
        self.calls += 1
        if not self.answers:
            self.done.set()
            return 0
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


async def test_it_runs_again_at_once_while_a_pass_finds_work() -> None:
    step = Script(3, 2, 1)
    loop = BackgroundLoop("test-work", step, interval_s=60)
    await loop.start()
    await asyncio.wait_for(step.done.wait(), 5)  # three passes with work, then an idle one
    await loop.stop()
    assert step.calls == 4


async def test_a_failing_pass_does_not_end_the_loop() -> None:
    step = Script(RuntimeError("boom"), 1)
    loop = BackgroundLoop("test-error", step, interval_s=0.01)
    await loop.start()
    await asyncio.wait_for(step.done.wait(), 5)
    await loop.stop()
    assert step.calls == 3
    assert loop.errors == 0  # reset by the passes that followed


async def test_wake_cuts_an_idle_wait_short() -> None:
    step = Script()
    loop = BackgroundLoop("test-wake", step, interval_s=3600)
    await loop.start()
    await asyncio.wait_for(step.done.wait(), 5)
    step.done.clear()
    loop.wake()
    await asyncio.wait_for(step.done.wait(), 5)
    await loop.stop()
    assert step.calls == 2
    assert not loop.running


def test_pauses_grow_with_consecutive_errors_up_to_the_cap() -> None:
    loop = BackgroundLoop("test-pause", Script(), interval_s=1, jitter=0, max_backoff_s=5)
    assert loop.pause_s(4) == 0
    assert loop.pause_s(0) == 1
    pauses = []
    for errors in range(1, 6):
        loop.errors = errors
        pauses.append(loop.pause_s(None))
    assert pauses == [1, 2, 4, 5, 5]


async def test_a_doorbell_wakes_every_loop_attached_to_it() -> None:
    steps = [Script(), Script()]
    bell = Doorbell()
    loops = [
        BackgroundLoop(f"test-bell-{n}", step, interval_s=3600) for n, step in enumerate(steps)
    ]
    for loop in loops:
        bell.attach(loop)
        await loop.start()
    for step in steps:
        await asyncio.wait_for(step.done.wait(), 5)
        step.done.clear()
    bell.ring()
    for step in steps:
        await asyncio.wait_for(step.done.wait(), 5)
    for loop in loops:
        await loop.stop()
    assert [step.calls for step in steps] == [2, 2]
