"""Bluesky without I/O: a Jetstream event read into a post and mapped to a PostFetched for every
tenant, malformed events counted, the resume cursor, batches recorded with the cursor, and a
shared post matched against every tenant's queries in one pass of the automaton."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import pytest

from listening.adapters.bluesky.jetstream import Handles, read_event, subscribe_url
from listening.adapters.malformed import skipped_count
from listening.domain.bluesky import BlueskyPost, LinkCard, resume_cursor
from listening.domain.dedupe import url_key
from listening.domain.matching import Matcher
from listening.domain.queries import ListeningQuery
from listening.domain.text import Document
from listening.service.bluesky import CursorTakenError, bluesky_post, record_posts
from listening.service.bluesky_subscriber import JetstreamSubscriber, SubscriptionPolicy
from listening.service.pipeline import match_shared_post
from listening.service.ports import Deps
from newsroom_shared.events.listening import EVERY_TENANT, MentionDetected, PostFetched

from .conftest import FakeLanguage, FakeUnitOfWork

NOW = datetime(2030, 1, 1, 9, tzinfo=UTC)
DID = "did:plc:abc123"


def commit(rkey: str = "3l3qo2vutsw2b", text: str = "Acme rocks", **record: Any) -> dict[str, Any]:
    return {
        "did": DID,
        "time_us": 1_725_911_162_329_308,
        "kind": "commit",
        "commit": {
            "rev": "3l3qo2vuowo2b",
            "operation": "create",
            "collection": "app.bsky.feed.post",
            "rkey": rkey,
            "record": {
                "$type": "app.bsky.feed.post",
                "createdAt": "2030-01-01T08:00:00.000Z",
                "langs": ["EN"],
                "text": text,
                **record,
            },
            "cid": "bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi",
        },
    }


def a_post(**changes: Any) -> BlueskyPost:
    values: dict[str, Any] = {
        "did": DID,
        "rkey": "3l3qo2vutsw2b",
        "time_us": 1,
        "text": "Acme rocks",
        "langs": ("en",),
        "created_at": NOW,
    }
    return BlueskyPost(**(values | changes))


def test_a_commit_is_read_into_a_post_with_its_handle_once_announced() -> None:
    handles = Handles()
    identity = {"did": DID, "time_us": 5, "kind": "identity", "identity": {"handle": "jane.bsky"}}
    assert read_event(json.dumps(identity), handles) is not None

    event = read_event(json.dumps(commit()), handles)

    assert event is not None
    assert event.time_us == 1_725_911_162_329_308
    assert event.post == BlueskyPost(
        did=DID,
        rkey="3l3qo2vutsw2b",
        time_us=1_725_911_162_329_308,
        text="Acme rocks",
        langs=("EN",),
        created_at=datetime(2030, 1, 1, 8, tzinfo=UTC),
        handle="jane.bsky",
    )


def test_deletes_and_other_collections_are_no_posts() -> None:
    delete = commit()
    delete["commit"]["operation"] = "delete"
    like = commit()
    like["commit"]["collection"] = "app.bsky.feed.like"
    for data in (delete, like):
        event = read_event(json.dumps(data), Handles())
        assert event is not None
        assert event.post is None


@pytest.mark.parametrize(
    "broken",
    [
        "not json",
        json.dumps({"kind": "commit"}),
        json.dumps({**commit(), "time_us": "soon"}),
        json.dumps({**commit(), "did": "nobody"}),
        json.dumps(commit(text=42)),
        json.dumps([1, 2]),
    ],
)
def test_a_malformed_event_is_skipped_and_counted(broken: str) -> None:
    before = skipped_count("bluesky")
    assert read_event(broken, Handles()) is None
    assert skipped_count("bluesky") == before + 1


def test_a_post_is_for_every_tenant_keyed_by_its_web_url() -> None:
    fetched = bluesky_post(a_post(handle="jane.bsky", langs=("PT-br", "en")), NOW)

    url = f"https://bsky.app/profile/{DID}/post/3l3qo2vutsw2b"
    assert fetched == PostFetched(
        tenant_id=EVERY_TENANT,
        audience="all",
        post_key=url_key(url),
        source_kind="bluesky",
        source_url=f"https://bsky.app/profile/{DID}",
        text="Acme rocks",
        url=url,
        author=f"jane.bsky ({DID})",
        language="pt-br",
        published_at=NOW,
        fetched_at=NOW,
    )
    assert a_post().uri == f"at://{DID}/app.bsky.feed.post/3l3qo2vutsw2b"


def test_a_post_without_text_is_no_post() -> None:
    assert bluesky_post(a_post(text="  "), NOW) is None


def test_a_link_card_is_read_and_a_broken_one_ignored() -> None:
    card = {"uri": "https://news.example/a", "title": "Acme recall", "description": "All units"}
    embed = {"$type": "app.bsky.embed.external", "external": card}
    event = read_event(json.dumps(commit(text="this!", embed=embed)), Handles())
    assert event is not None
    assert event.post is not None
    assert event.post.link == LinkCard("https://news.example/a", "Acme recall", "All units")
    for broken in (
        {"$type": "app.bsky.embed.external", "external": {"uri": "javascript:alert(1)"}},
        {"$type": "app.bsky.embed.external", "external": "nope"},
        {"$type": "app.bsky.embed.images", "images": []},
    ):
        event = read_event(json.dumps(commit(text="this!", embed=broken)), Handles())
        assert event is not None
        assert event.post is not None
        assert event.post.link is None


def test_a_link_card_joins_the_text_and_gives_the_url() -> None:
    card = LinkCard("https://www.news.example/a?utm_source=x", "Acme recall", "All units")
    post = bluesky_post(a_post(text="this!", link=card), NOW)
    assert post is not None
    assert post.text == "this!\n\nAcme recall\n\nAll units"
    assert post.url == card.uri
    assert post.post_key == url_key("https://news.example/a")  # canonical: copies meet
    assert post.source_url == a_post().web_url
    # A card alone (no text of the post's own) is still something to match.
    assert bluesky_post(a_post(text="", link=card), NOW) is not None


def test_the_subscription_asks_for_posts_uncompressed_from_a_rewound_cursor() -> None:
    assert resume_cursor(None, 5) is None
    assert resume_cursor(10_000_000, 2.5) == 7_500_000
    url = subscribe_url("wss://jetstream.example/", resume_cursor(10_000_000, 2.5))
    assert url == (
        "wss://jetstream.example/subscribe?wantedCollections=app.bsky.feed.post"
        "&compress=false&cursor=7500000"
    )


async def test_a_batch_and_its_cursor_are_recorded_together(uow: FakeUnitOfWork) -> None:
    cursor = await record_posts(uow, None, [a_post(rkey="a"), a_post(rkey="b")], 20, NOW)
    assert cursor == 20
    assert len(uow.events) == 2

    # After a rewind the first events are older than the cursor: it does not move back.
    assert await record_posts(uow, 20, [a_post(rkey="a")], 15, NOW) == 20
    with pytest.raises(CursorTakenError):
        await record_posts(uow, 10, [a_post(rkey="c")], 30, NOW)
    assert len(uow.events) == 3
    assert uow.store.jetstream_time_us == 20


# A shared post against every tenant's queries


def queries(*pairs: tuple[str, str]) -> Matcher:
    return Matcher(
        ListeningQuery.create(tenant_id=tenant, name=text, text=text, now=NOW)
        for tenant, text in pairs
    )


def shared(text: str) -> PostFetched:
    fetched = bluesky_post(a_post(text=text, langs=()), NOW)
    assert fetched is not None
    return fetched


async def test_a_shared_post_becomes_a_mention_of_each_tenant_whose_query_matches(
    uow: FakeUnitOfWork, deps: Deps, language: FakeLanguage
) -> None:
    matcher = queries(("t1", "acme"), ("t2", "acme AND broken"), ("t3", "acme NOT broken"))

    mentions = await match_shared_post(uow, deps, matcher, shared("My Acme is broken"))
    await uow.flush()

    assert sorted(m.tenant_id for m in mentions) == ["t1", "t2"]
    events = [e for e in uow.events if isinstance(e, MentionDetected)]
    assert sorted(e.tenant_id for e in events) == ["t1", "t2"]
    assert language.calls == 1  # detected once for all tenants


async def test_a_shared_post_no_tenant_wants_costs_one_scan(
    uow: FakeUnitOfWork, deps: Deps, language: FakeLanguage
) -> None:
    matcher = queries(("t1", "acme"), ("t2", "roadrunner"))
    assert matcher.candidates_of_every_tenant(Document.of("nothing here", source="bluesky")) == {}
    assert await match_shared_post(uow, deps, matcher, shared("nothing here")) == []
    assert language.calls == 0
    assert uow.store.mentions == {}


# The subscriber, on a scripted firehose


class Firehose:
    def __init__(self, *connections: list[Any]) -> None:
        self.connections = list(connections)
        self.cursors: list[int | None] = []

    @asynccontextmanager
    async def events(self, cursor: int | None) -> AsyncIterator[AsyncIterator[Any]]:
        self.cursors.append(cursor)
        events = self.connections.pop(0) if self.connections else []

        async def read() -> AsyncIterator[Any]:
            for event in events:
                if isinstance(event, Exception):
                    raise event
                yield event

        yield read()


class Event:
    def __init__(self, time_us: int, post: BlueskyPost | None) -> None:
        self.time_us = time_us
        self.post = post


class StopSubscribingError(Exception):
    pass


async def test_a_dropped_subscription_resumes_rewound_from_the_last_batch(
    uow: FakeUnitOfWork, clock: Any
) -> None:
    firehose = Firehose(
        [Event(10_000_000, a_post(rkey="a")), Event(11_000_000, None), ConnectionError("drop")],
        [Event(10_000_000, a_post(rkey="a")), Event(12_000_000, a_post(rkey="b"))],
    )
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise StopSubscribingError

    subscriber = JetstreamSubscriber(
        uow=lambda: uow,
        firehose=firehose,
        clock=clock,
        policy=SubscriptionPolicy(batch_size=10, flush_s=0.01, rewind_s=1.0),
        sleep=sleep,
    )

    with pytest.raises(StopSubscribingError):
        await subscriber.run()

    assert firehose.cursors == [None, 10_000_000]  # 11 s stored, rewound by 1 s
    assert uow.store.jetstream_time_us == 12_000_000
    keys = [e.post_key for e in uow.events]
    assert len(keys) == 3  # "a" twice (the rewind): one mention, by its dedupe key
    assert len(set(keys)) == 2
