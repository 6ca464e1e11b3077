"""Following one Mastodon timeline: its stream while the instance allows one, its pages when it
refuses (or between reconnects), and never a status lost or recorded twice.

After every (re)connect the follower first pages through what was posted since its resume
point (``min_id``: the statuses right after it, oldest first), and only then reads the stream,
skipping what the pages already recorded. The stream is opened before those pages are read, so
a status posted meanwhile is in the stream if not in a page. A refused stream (4xx: many
instances want a token for streaming) is polled for ``stream_retry_s`` before it is tried
again; a dropped one is reopened after a backoff that grows while connections keep failing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol

from listening.domain.mastodon import (
    MastodonSource,
    MastodonStatus,
    SourceState,
    StatusDeleted,
    StatusEdited,
    TimelineEvent,
    later_id,
)
from listening.service.mastodon import (
    CursorMovedError,
    record_deletion,
    record_edit,
    record_statuses,
)
from listening.service.ports import UnitOfWork
from newsroom_shared.clock import Clock


class StreamRefusedError(Exception):
    """The instance answered the stream with a 4xx: poll instead."""


class Timelines(Protocol):
    def stream(
        self, source: MastodonSource, token: str | None
    ) -> AbstractAsyncContextManager[AsyncIterator[TimelineEvent]]: ...

    async def page_after(
        self, source: MastodonSource, token: str | None, after: str | None
    ) -> list[MastodonStatus]: ...


class TokenOpener(Protocol):
    def open(self, sealed: str) -> str: ...


@dataclass(frozen=True, slots=True)
class FollowPolicy:
    poll_interval_s: float = 30.0
    """Between two pages while polling."""
    stream_retry_s: float = 300.0
    """How long a refused stream is polled before the stream is asked again."""
    backoff_initial_s: float = 1.0
    backoff_max_s: float = 60.0

    def backoff_s(self, failures: int) -> float:
        return min(self.backoff_initial_s * 2.0 ** max(failures - 1, 0), self.backoff_max_s)


class TimelineFollower:
    """Follows one source until cancelled; ends by raising :class:`CursorMovedError` when the
    source was taken over by another replica or deleted."""

    def __init__(
        self,
        source: MastodonSource,
        *,
        uow: Callable[[], UnitOfWork],
        timelines: Timelines,
        tokens: TokenOpener,
        clock: Clock,
        policy: FollowPolicy,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.source = source
        self.cursor = source.last_status_id
        self._uow = uow
        self._timelines = timelines
        self._tokens = tokens
        self._token: str | None = None
        self._clock = clock
        self._policy = policy
        self._sleep = sleep
        self._failures = 0
        self._shown: tuple[SourceState, str | None] = (source.state, source.detail)

    async def run(self) -> None:
        self._token = await self._open_token()
        while True:
            try:
                await self._follow_once()
            except CursorMovedError:
                raise
            except Exception as error:  # every failure of the far side: retried, never fatal
                self._failures += 1
                await self._show("failing", f"{type(error).__name__}: {error}"[:500])
            await self._sleep(self._policy.backoff_s(self._failures))

    async def _follow_once(self) -> None:
        """The stream until it ends, or pages for ``stream_retry_s`` when it is refused."""
        try:
            await self._follow_stream()
        except StreamRefusedError as refused:
            await self._poll_for(self._policy.stream_retry_s, f"streaming refused: {refused}")
            return
        await self._show("starting", "the stream ended; reconnecting")

    async def _open_token(self) -> str | None:
        sealed = self.source.sealed_token
        if sealed is None:
            return None
        try:
            return self._tokens.open(sealed)
        except Exception as error:  # no key decrypts it: shown, and the supervisor logs it
            await self._show("failing", f"the access token cannot be read: {error}")
            raise

    async def _follow_stream(self) -> None:
        async with self._timelines.stream(self.source, self._token) as statuses:
            await self.catch_up()
            self._failures = 0
            await self._show("streaming", None)
            async for event in statuses:
                await self._apply(event)

    async def _apply(self, event: TimelineEvent) -> None:
        """Edits and deletions are heard on the stream only: the pages (polling) show statuses
        as they are now, so a status edited or deleted while the source was polled keeps its
        mention as first seen."""
        if isinstance(event, StatusEdited):
            await record_edit(self._uow(), self.source, event.status, self._clock.now())
        elif isinstance(event, StatusDeleted):
            await record_deletion(self._uow(), self.source, event.status_id, self._clock.now())
        elif later_id(event.id, self.cursor):
            await self._record([event])

    async def catch_up(self) -> None:
        """Records every status after the resume point, page by page; a new source starts at
        the newest status (it hears what is said from now on, not the timeline's past)."""
        if self.cursor is None:
            newest = await self._timelines.page_after(self.source, self._token, None)
            # An empty timeline starts before its first status ("0": ids are positive).
            await self._start_at(newest[-1].id if newest else "0")
            return
        while page := await self._timelines.page_after(self.source, self._token, self.cursor):
            before = self.cursor
            await self._record(page)
            if self.cursor == before:
                return  # nothing newer in the page: the instance ignores min_id

    async def _poll_for(self, duration_s: float, why: str) -> None:
        loop = asyncio.get_running_loop()
        until = loop.time() + duration_s
        while True:
            await self.catch_up()
            self._failures = 0
            await self._show("polling", why)
            await self._sleep(self._policy.poll_interval_s)
            if loop.time() >= until:
                return

    async def _record(self, statuses: list[MastodonStatus]) -> None:
        self.cursor = await record_statuses(
            self._uow(), self.source, self.cursor, statuses, self._clock.now()
        )

    async def _start_at(self, status_id: str) -> None:
        uow = self._uow()
        async with uow:
            source = self.source
            if not await uow.mastodon_sources.advance(
                source.tenant_id, source.id, seen=None, to=status_id
            ):
                raise CursorMovedError(source.id)
        self.cursor = status_id

    async def _show(self, state: SourceState, detail: str | None) -> None:
        """Stores the connection's state for the API, when it changed."""
        if (state, detail) == self._shown:
            return
        uow = self._uow()
        async with uow:
            await uow.mastodon_sources.set_state(
                self.source.tenant_id, self.source.id, state, detail, self._clock.now()
            )
        self._shown = (state, detail)
