"""In-memory fakes of the service ports, so use cases run without I/O (cosmicpython style).
Every fake repository filters by tenant exactly as the Mongo one does."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import pytest

from listening.domain.comments import KnownComment
from listening.domain.dedupe import near
from listening.domain.errors import DuplicateError, DuplicateFeedError
from listening.domain.feeds import Feed
from listening.domain.mastodon import MastodonSource, SourceState
from listening.domain.mentions import Mention, Sentiment, label_of
from listening.domain.queries import ListeningQuery
from listening.domain.releases import KnownRelease
from listening.domain.spikes import Episode, QueryActivity, RecentMention
from listening.domain.webhook_sources import WebhookSource
from listening.service.ports import Deps, HourCount, MentionFilter, MentionPosition
from newsroom_shared.events.base import Event
from newsroom_testing.clock import FakeClock


@dataclass
class Store:
    queries: dict[str, ListeningQuery] = field(default_factory=dict)
    version: int = 0
    mentions: dict[str, Mention] = field(default_factory=dict)
    releases: dict[tuple[str, str], KnownRelease] = field(default_factory=dict)
    sources: dict[str, WebhookSource] = field(default_factory=dict)
    activity: dict[tuple[str, str], QueryActivity] = field(default_factory=dict)
    comments: dict[tuple[str, str], KnownComment] = field(default_factory=dict)
    feeds: dict[str, Feed] = field(default_factory=dict)
    claims: dict[str, str] = field(default_factory=dict)
    outbox: list[Event] = field(default_factory=list)
    mastodon: dict[str, MastodonSource] = field(default_factory=dict)
    jetstream_time_us: int | None = None


def _newest_first(rows: list[Any], after_id: str | None, limit: int) -> list[Any]:
    rows = sorted(rows, key=lambda row: row.id, reverse=True)
    if after_id is not None:
        rows = [row for row in rows if row.id < after_id]
    return rows[:limit]


class FakeQueries:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def add(self, query: ListeningQuery) -> None:
        self.s.queries[query.id] = query

    async def get(self, tenant_id: str, query_id: str) -> ListeningQuery | None:
        found = self.s.queries.get(query_id)
        return found if found and found.tenant_id == tenant_id else None

    async def page(
        self, tenant_id: str, *, after_id: str | None, limit: int
    ) -> list[ListeningQuery]:
        mine = [q for q in self.s.queries.values() if q.tenant_id == tenant_id]
        return _newest_first(mine, after_id, limit)

    async def count(self, tenant_id: str) -> int:
        return sum(q.tenant_id == tenant_id for q in self.s.queries.values())

    async def save(self, query: ListeningQuery) -> None:
        self.s.queries[query.id] = query

    async def delete(self, tenant_id: str, query_id: str) -> bool:
        if await self.get(tenant_id, query_id) is None:
            return False
        del self.s.queries[query_id]
        return True

    async def all_tenants(self) -> list[ListeningQuery]:
        return list(self.s.queries.values())


class FakeQueryVersion:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def bump(self) -> None:
        self.s.version += 1

    async def current(self) -> int:
        return self.s.version


def _selected(mention: Mention, where: MentionFilter) -> bool:
    return (
        (where.query_id is None or where.query_id in mention.query_ids)
        and (where.sentiment is None or mention.sentiment.label == where.sentiment)
        and (where.source_kind is None or mention.source_kind == where.source_kind)
        and (where.language is None or mention.language == where.language)
        and (where.since is None or mention.detected_at >= where.since)
        and (where.until is None or mention.detected_at < where.until)
        and (where.handled is None or mention.handled == where.handled)
        and (where.assignee is None or mention.assignee == where.assignee)
        and (not mention.counted) == where.taken_down
    )


class FakeMentions:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def add(self, mention: Mention) -> bool:
        for other in self.s.mentions.values():
            if (other.tenant_id, other.dedupe_key) == (mention.tenant_id, mention.dedupe_key):
                return False
        self.s.mentions[mention.id] = mention
        return True

    async def near_copies(
        self, tenant_id: str, signature: Sequence[int], *, since: datetime
    ) -> list[str]:
        return [
            m.id
            for m in self.s.mentions.values()
            if m.tenant_id == tenant_id and m.detected_at >= since and near(m.signature, signature)
        ]

    async def get(self, tenant_id: str, mention_id: str) -> Mention | None:
        found = self.s.mentions.get(mention_id)
        return found if found and found.tenant_id == tenant_id else None

    async def save_triage(self, mention: Mention) -> None:
        self.s.mentions[mention.id] = mention

    async def mark_moderated(self, tenant_id: str, post_key: str, mark: str | None) -> int:
        marked = [
            replace(m, moderated=mark)
            for m in self.s.mentions.values()
            if (m.tenant_id, m.post_key) == (tenant_id, post_key) and m.moderated != mark
        ]
        self.s.mentions.update({m.id: m for m in marked})
        return len(marked)

    async def revise(self, mention: Mention) -> None:
        self.s.mentions[mention.id] = mention

    async def of_source_item(self, tenant_id: str, source_item: str) -> list[Mention]:
        return [
            m
            for m in self.s.mentions.values()
            if (m.tenant_id, m.source_item) == (tenant_id, source_item)
        ]

    async def of_post(self, tenant_id: str, post_key: str) -> list[Mention]:
        return [
            m
            for m in self.s.mentions.values()
            if (m.tenant_id, m.post_key) == (tenant_id, post_key)
        ]

    async def page(
        self, tenant_id: str, where: MentionFilter, *, after: MentionPosition | None, limit: int
    ) -> list[Mention]:
        rows = sorted(
            (
                m
                for m in self.s.mentions.values()
                if m.tenant_id == tenant_id and _selected(m, where)
            ),
            key=lambda m: (m.detected_at, m.id),
            reverse=True,
        )
        if after is not None:
            rows = [
                m for m in rows if (m.detected_at, m.id) < (after.detected_at, after.mention_id)
            ]
        return rows[:limit]

    async def hourly_counts(self, tenant_id: str, where: MentionFilter) -> list[HourCount]:
        counted = Counter(
            (m.detected_at.replace(minute=0, second=0, microsecond=0), m.sentiment.label)
            for m in self.s.mentions.values()
            if m.tenant_id == tenant_id and _selected(m, where)
        )
        return [HourCount(hour, label, n) for (hour, label), n in sorted(counted.items())]


class FakeReleases:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def put(self, release: KnownRelease) -> None:
        self.s.releases[(release.tenant_id, release.release_id)] = release

    async def get(self, tenant_id: str, release_id: str) -> KnownRelease | None:
        return self.s.releases.get((tenant_id, release_id))

    async def by_url_keys(self, tenant_id: str, keys: Sequence[str]) -> list[KnownRelease]:
        return [
            r for r in self.s.releases.values() if r.tenant_id == tenant_id and r.url_key in keys
        ]


class FakeQueryActivity:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def record(self, tenant_id: str, query_id: str, mention: RecentMention) -> QueryActivity:
        key = (tenant_id, query_id)
        before = self.s.activity.get(key, QueryActivity())
        after = before.recorded(mention.mention_id, mention.at, negative=mention.negative)
        self.s.activity[key] = after
        return after

    async def uncount(self, tenant_id: str, query_id: str, mention: RecentMention) -> None:
        key = (tenant_id, query_id)
        if key in self.s.activity:
            self.s.activity[key] = self.s.activity[key].uncounted(
                mention.mention_id, mention.at, negative=mention.negative
            )

    async def settle(
        self,
        tenant_id: str,
        query_id: str,
        *,
        episode: Episode | None,
        stale_hours: Sequence[datetime],
    ) -> None:
        key = (tenant_id, query_id)
        if key in self.s.activity:
            before = self.s.activity[key]
            kept = {h: b for h, b in before.buckets.items() if h not in stale_hours}
            self.s.activity[key] = replace(before, buckets=kept, episode=episode)

    async def get(self, tenant_id: str, query_id: str) -> QueryActivity | None:
        return self.s.activity.get((tenant_id, query_id))

    async def with_open_episode(self, *, limit: int) -> list[tuple[str, str]]:
        opened = [(a.episode.started_at, key) for key, a in self.s.activity.items() if a.episode]
        return [key for _, key in sorted(opened)[:limit]]

    async def forget(self, tenant_id: str, query_id: str) -> None:
        self.s.activity.pop((tenant_id, query_id), None)


class FakeComments:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def posted(self, comment: KnownComment) -> None:
        key = (comment.tenant_id, comment.comment_id)
        found = self.s.comments.get(key)
        self.s.comments[key] = (
            comment
            if found is None
            else replace(found, official=comment.official, author=comment.author)
        )

    async def edited(self, comment: KnownComment) -> None:
        key = (comment.tenant_id, comment.comment_id)
        found = self.s.comments.get(key)
        self.s.comments[key] = (
            comment if found is None else replace(found, edited_at=comment.edited_at)
        )

    async def moderated(self, comment: KnownComment) -> None:
        self.s.comments[(comment.tenant_id, comment.comment_id)] = comment

    async def get(self, tenant_id: str, comment_id: str) -> KnownComment | None:
        return self.s.comments.get((tenant_id, comment_id))


class FakeSources:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def add(self, source: WebhookSource) -> None:
        self.s.sources[source.id] = source

    async def get(self, tenant_id: str, source_id: str) -> WebhookSource | None:
        found = self.s.sources.get(source_id)
        return found if found and found.tenant_id == tenant_id else None

    async def find(self, source_id: str) -> WebhookSource | None:
        return self.s.sources.get(source_id)

    async def page(
        self, tenant_id: str, *, after_id: str | None, limit: int
    ) -> list[WebhookSource]:
        mine = [s for s in self.s.sources.values() if s.tenant_id == tenant_id]
        return _newest_first(mine, after_id, limit)

    async def delete(self, tenant_id: str, source_id: str) -> bool:
        if await self.get(tenant_id, source_id) is None:
            return False
        del self.s.sources[source_id]
        return True


class FakeFeeds:
    """Claims as the Mongo repository makes them: due feeds move to the lease's end under a
    token; a result is stored only while its token holds."""

    def __init__(self, store: Store) -> None:
        self.s = store

    async def add(self, feed: Feed) -> None:
        if any((f.tenant_id, f.url) == (feed.tenant_id, feed.url) for f in self.s.feeds.values()):
            raise DuplicateFeedError(f"this tenant already polls {feed.url}")
        self.s.feeds[feed.id] = feed

    async def get(self, tenant_id: str, feed_id: str) -> Feed | None:
        found = self.s.feeds.get(feed_id)
        return found if found and found.tenant_id == tenant_id else None

    async def page(self, tenant_id: str, *, after_id: str | None, limit: int) -> list[Feed]:
        mine = [f for f in self.s.feeds.values() if f.tenant_id == tenant_id]
        return _newest_first(mine, after_id, limit)

    async def count(self, tenant_id: str) -> int:
        return sum(f.tenant_id == tenant_id for f in self.s.feeds.values())

    async def delete(self, tenant_id: str, feed_id: str) -> bool:
        if await self.get(tenant_id, feed_id) is None:
            return False
        del self.s.feeds[feed_id]
        return True

    async def claim_due(
        self, now: datetime, limit: int, *, claim: str, lease_until: datetime
    ) -> list[Feed]:
        due = sorted(
            (f for f in self.s.feeds.values() if f.next_poll_at and f.next_poll_at <= now),
            key=lambda f: f.next_poll_at or now,
        )[:limit]
        for feed in due:
            self.s.feeds[feed.id] = replace(feed, next_poll_at=lease_until)
            self.s.claims[feed.id] = claim
        return [self.s.feeds[feed.id] for feed in due]

    async def release(self, feed: Feed, claim: str) -> bool:
        if feed.id not in self.s.feeds or self.s.claims.get(feed.id) != claim:
            return False
        self.s.feeds[feed.id] = feed
        del self.s.claims[feed.id]
        return True


class FakeMastodonSources:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def add(self, source: MastodonSource) -> None:
        mine = [m for m in self.s.mastodon.values() if m.tenant_id == source.tenant_id]
        if any(m.identity == source.identity for m in mine):
            raise DuplicateError(f"already following {source.web_url}")
        self.s.mastodon[source.id] = source

    async def get(self, tenant_id: str, source_id: str) -> MastodonSource | None:
        found = self.s.mastodon.get(source_id)
        return found if found and found.tenant_id == tenant_id else None

    async def page(
        self, tenant_id: str, *, after_id: str | None, limit: int
    ) -> list[MastodonSource]:
        mine = [m for m in self.s.mastodon.values() if m.tenant_id == tenant_id]
        return _newest_first(mine, after_id, limit)

    async def delete(self, tenant_id: str, source_id: str) -> bool:
        if await self.get(tenant_id, source_id) is None:
            return False
        del self.s.mastodon[source_id]
        return True

    async def all_tenants(self) -> list[tuple[str, str]]:
        return [(m.tenant_id, m.id) for m in self.s.mastodon.values()]

    async def advance(self, tenant_id: str, source_id: str, *, seen: str | None, to: str) -> bool:
        found = await self.get(tenant_id, source_id)
        if found is None or found.last_status_id != seen:
            return False
        self.s.mastodon[source_id] = replace(found, last_status_id=to)
        return True

    async def set_state(
        self, tenant_id: str, source_id: str, state: SourceState, detail: str | None, at: datetime
    ) -> None:
        found = await self.get(tenant_id, source_id)
        if found is not None:
            self.s.mastodon[source_id] = replace(found, state=state, detail=detail, state_at=at)


class FakeJetstreamCursor:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def current(self) -> int | None:
        return self.s.jetstream_time_us

    async def advance(self, *, seen: int | None, to: int) -> bool:
        if self.s.jetstream_time_us != seen:
            return False
        self.s.jetstream_time_us = to
        return True


class FakeUnitOfWork:
    """Transactions by copy: the store is restored when the block raises. Used without
    ``async with`` it is joined to a consumer's transaction: :meth:`flush` adds the events."""

    def __init__(self) -> None:
        self.store = Store()
        self.commits = 0
        self._pending: list[Event] = []
        self._before: Store | None = None
        self.queries = FakeQueries(self.store)
        self.query_version = FakeQueryVersion(self.store)
        self.mentions = FakeMentions(self.store)
        self.releases = FakeReleases(self.store)
        self.query_activity = FakeQueryActivity(self.store)
        self.comments = FakeComments(self.store)
        self.webhook_sources = FakeSources(self.store)
        self.feeds = FakeFeeds(self.store)

        self.mastodon_sources = FakeMastodonSources(self.store)
        self.jetstream_cursor = FakeJetstreamCursor(self.store)

    @property
    def events(self) -> list[Event]:
        return self.store.outbox

    def emit(self, event: Event) -> None:
        self._pending.append(event)

    async def flush(self) -> None:
        self.store.outbox.extend(self._pending)
        self._pending = []

    async def __aenter__(self) -> FakeUnitOfWork:
        self._before = copy.deepcopy(self.store)
        self._pending = []
        return self

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc is not None:
            assert self._before is not None
            self.store.__dict__.update(copy.deepcopy(self._before).__dict__)
            self._pending = []
            return
        await self.flush()
        self.commits += 1


class FakeLanguage:
    """Says what the test told it; counts how often it was asked (detection is costly)."""

    def __init__(self, answer: str | None = "en") -> None:
        self.answer = answer
        self.calls = 0

    def detect(self, text: str) -> str | None:
        self.calls += 1
        return self.answer


class FakeSentiment:
    """Negative when the text says "broken", positive when it says "love"."""

    def score(self, text: str, language: str | None) -> Sentiment:
        lowered = text.lower()
        score = -0.6 if "broken" in lowered else 0.7 if "love" in lowered else 0.0
        return Sentiment(score, label_of(score))


class FakeSecrets:
    def secret(self, source: WebhookSource) -> str:
        return f"whsec_{source.id}"

    def verify(
        self, source: WebhookSource, body: bytes, headers: dict[str, str]
    ) -> dict[str, object]:
        from listening.domain.errors import BadSignatureError

        if headers.get("webhook-signature") != f"ok:{source.id}":
            raise BadSignatureError("the webhook signature does not verify")
        import json

        payload: dict[str, object] = json.loads(body)
        return payload


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def language() -> FakeLanguage:
    return FakeLanguage()


@pytest.fixture
def deps(clock: FakeClock, language: FakeLanguage) -> Deps:
    return Deps(
        clock=clock,
        language=language,
        sentiment=FakeSentiment(),
        secrets=FakeSecrets(),
        max_queries_per_tenant=3,
    )


def with_time(mention: Mention, moment: datetime) -> Mention:
    return replace(mention, detected_at=moment)
