"""A service's shutdown ends even when one of its steps hangs."""

from __future__ import annotations

import asyncio
import logging

import pytest

from newsroom_shared.runtime import bounded


async def test_a_hanging_step_is_abandoned_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    cancelled = asyncio.Event()

    async def stuck_in_a_group_join() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    with caplog.at_level(logging.WARNING, logger="newsroom_shared.runtime"):
        await bounded("kafka broker", stuck_in_a_group_join, timeout_s=0.05)

    assert cancelled.is_set()
    assert "'kafka broker' took over" in caplog.text
    assert "stuck_in_a_group_join" in caplog.text


async def test_a_step_that_finishes_in_time_is_awaited(caplog: pytest.LogCaptureFixture) -> None:
    done = []

    async def quick() -> None:
        await asyncio.sleep(0)
        done.append(True)

    with caplog.at_level(logging.WARNING, logger="newsroom_shared.runtime"):
        await bounded("outbox relay", quick, timeout_s=5)

    assert done == [True]
    assert caplog.text == ""
