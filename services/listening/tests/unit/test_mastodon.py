"""Mastodon without I/O: a status read from the API's JSON and mapped to a PostFetched, the
resume point moving with the posts it covers, the follower's stream-then-pages order and its
polling fallback, the instance URL and hashtag rules."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from listening_fakes.mentions import a_mention

from listening.adapters.malformed import skipped_count
from listening.adapters.mastodon.statuses import read_status
from listening.adapters.source_tokens import SourceTokenCipher, TokenUnreadableError
from listening.domain.dedupe import url_key
from listening.domain.errors import DuplicateError
from listening.domain.html_text import html_to_text
from listening.domain.mastodon import (
    MastodonSource,
    MastodonStatus,
    StatusDeleted,
    StatusEdited,
    TimelineEvent,
    instance_origin,
    later_id,
    normalise_hashtag,
)
from listening.service.mastodon import CursorMovedError, follow_timeline, record_statuses
from listening.service.mastodon_follow import FollowPolicy, StreamRefusedError, TimelineFollower
from listening.service.mastodon_intake import edit_to_post, status_to_post
from newsroom_shared.events.listening import MentionUpdated, PostFetched

NOW = datetime(2030, 1, 1, 9, tzinfo=UTC)
A = "tenant-a"


def status_json(status_id: str = "1001", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": status_id,
        "uri": f"https://mastodon.example/users/jane/statuses/{status_id}",
        "url": f"https://mastodon.example/@jane/{status_id}",
        "created_at": "2030-01-01T08:00:00.000Z",
        "content": '<p>The <a href="https://acme.example">Acme</a> Roadrunner &amp; me</p>'
        "<p>second<br>line</p>",
        "spoiler_text": "",
        "language": "en",
        "account": {"id": "7", "acct": "jane", "username": "jane"},
        "reblog": None,
    }
    data.update(overrides)
    return data


def a_status(status_id: str = "1001", **overrides: Any) -> MastodonStatus:
    status = read_status(status_json(status_id, **overrides), "test")
    assert status is not None
    return status


def a_source(**overrides: Any) -> MastodonSource:
    values: dict[str, Any] = {
        "tenant_id": A,
        "instance_url": "https://mastodon.example",
        "timeline": "hashtag",
        "hashtag": "acme",
        "local_only": False,
        "sealed_token": None,
        "now": NOW,
    }
    values.update(overrides)
    return MastodonSource.create(**values)


class Sealer:
    def seal(self, token: str) -> str:
        return f"sealed:{token}"

    def open(self, sealed: str) -> str:
        return sealed.removeprefix("sealed:")


# The mapping


def test_html_becomes_plain_text_with_its_line_breaks() -> None:
    html = '<p>Hello <span class="invisible">https://</span>acme.example &lt;3</p><p>a<br />b</p>'
    assert html_to_text(html) == "Hello https://acme.example <3\n\na\nb"


def test_a_status_becomes_a_post_of_its_tenant() -> None:
    source = a_source()

    post = status_to_post(source, a_status(), NOW)

    assert post == PostFetched(
        tenant_id=A,
        post_key=url_key("https://mastodon.example/@jane/1001"),
        source_kind="mastodon",
        source_url="https://mastodon.example/tags/acme",
        text="The Acme Roadrunner & me\n\nsecond\nline",
        url="https://mastodon.example/@jane/1001",
        author="jane",
        language="en",
        published_at=datetime(2030, 1, 1, 8, tzinfo=UTC),
        fetched_at=NOW,
        source_item="https://mastodon.example/statuses/1001",
    )


def test_an_edited_status_is_a_new_version_of_its_post() -> None:
    edited = a_status(content="<p>Acme is broken</p>", edited_at="2030-01-01T08:30:00Z")
    post = edit_to_post(a_source(), edited, NOW)
    assert post is not None
    assert (post.edited_at, post.text) == (
        datetime(2030, 1, 1, 8, 30, tzinfo=UTC),
        "Acme is broken",
    )
    assert post.post_key == url_key("https://mastodon.example/@jane/1001")


def test_the_content_warning_is_part_of_the_text() -> None:
    post = status_to_post(a_source(), a_status(spoiler_text="Acme rant"), NOW)
    assert post is not None
    assert post.text.startswith("Acme rant\n\nThe Acme Roadrunner")


def test_a_boost_is_the_original_keyed_by_its_url() -> None:
    original = status_json("900", account={"acct": "bob@other.example"}, language="SV")
    original["url"] = "https://other.example/@bob/900"
    boost = a_status("1002", content="", reblog=original)
    first = status_to_post(a_source(), a_status("900", **{**original, "id": "900"}), NOW)

    post = status_to_post(a_source(), boost, NOW)

    assert post is not None
    assert first is not None
    assert post.post_key == first.post_key == url_key("https://other.example/@bob/900")
    assert post.author == "bob@other.example"
    assert post.language == "sv"
    assert post.url == "https://other.example/@bob/900"


def test_a_status_without_url_is_keyed_by_its_uri_and_without_language_says_none() -> None:
    post = status_to_post(a_source(), a_status(url=None, language=None), NOW)
    assert post is not None
    assert post.url == "https://mastodon.example/users/jane/statuses/1001"
    assert post.language is None


def test_a_status_without_words_is_no_post() -> None:
    assert status_to_post(a_source(), a_status(content="<p> </p>"), NOW) is None


@pytest.mark.parametrize(
    "broken",
    [
        {"id": "5", "content": "no account"},
        status_json(account={"acct": ""}),
        status_json(created_at="yesterday"),
        "not even an object",
    ],
)
def test_a_malformed_status_is_skipped_and_counted(broken: Any) -> None:
    before = skipped_count("mastodon")
    assert read_status(broken, "test") is None
    assert skipped_count("mastodon") == before + 1


def test_status_ids_compare_as_growing_numbers() -> None:
    assert later_id("1000", None)
    assert later_id("1000", "999")
    assert not later_id("999", "1000")
    assert not later_id("1000", "1000")


# Sources


@pytest.mark.parametrize(
    ("typed", "origin"),
    [
        ("https://Mastodon.Social/", "https://mastodon.social"),
        (" https://fosstodon.org ", "https://fosstodon.org"),
        ("https://example.org:8443", "https://example.org:8443"),
    ],
)
def test_an_instance_is_its_origin(typed: str, origin: str) -> None:
    assert instance_origin(typed) == origin


@pytest.mark.parametrize(
    "typed",
    [
        "http://mastodon.social",
        "https://127.0.0.1",
        "https://10.1.2.3",
        "https://localhost",
        "https://user:pw@mastodon.social",
        "https://mastodon.social/@jane",
        "https://mastodon.social/?x=1",
        "mastodon.social",
    ],
)
def test_an_instance_url_that_is_not_a_public_origin_is_refused(typed: str) -> None:
    with pytest.raises(ValueError, match=r"must|is not"):
        instance_origin(typed)


def test_loopback_http_is_allowed_when_insecure_urls_are() -> None:
    assert instance_origin("http://127.0.0.1:9999", allow_insecure=True) == "http://127.0.0.1:9999"


@pytest.mark.parametrize(("typed", "tag"), [("#Acme", "acme"), ("road_runner2", "road_runner2")])
def test_hashtags_are_normalised(typed: str, tag: str) -> None:
    assert normalise_hashtag(typed) == tag


@pytest.mark.parametrize("typed", ["", "#", "two words", "a-b", "x" * 101])
def test_a_hashtag_that_is_none_is_refused(typed: str) -> None:
    with pytest.raises(ValueError, match="is not a hashtag"):
        normalise_hashtag(typed)


async def test_the_same_timeline_twice_is_a_duplicate_but_not_for_another_tenant(uow: Any) -> None:
    def follow(tenant: str) -> Any:
        return follow_timeline(
            uow,
            Sealer(),
            tenant,
            instance_url="https://mastodon.example",
            timeline="hashtag",
            hashtag="acme",
            local_only=False,
            access_token="secret",
            now=NOW,
        )

    source = await follow(A)
    assert source.sealed_token == "sealed:secret"
    with pytest.raises(DuplicateError):
        await follow(A)
    await follow("tenant-b")


def test_tokens_are_encrypted_and_read_back_with_an_older_key() -> None:
    old = SourceTokenCipher(["old-key"])
    sealed = old.seal("token-1")
    assert "token-1" not in sealed
    assert SourceTokenCipher(["new-key", "old-key"]).open(sealed) == "token-1"
    with pytest.raises(TokenUnreadableError):
        SourceTokenCipher(["new-key"]).open(sealed)


# Recording: the resume point moves with the posts


async def added(uow: Any, **overrides: Any) -> MastodonSource:
    source = a_source(**overrides)
    await uow.mastodon_sources.add(source)
    return source


async def test_statuses_and_the_resume_point_are_recorded_together(uow: Any) -> None:
    source = await added(uow)

    cursor = await record_statuses(uow, source, None, [a_status("11"), a_status("12")], NOW)

    assert cursor == "12"
    assert [e.url for e in uow.events] == [
        "https://mastodon.example/@jane/11",
        "https://mastodon.example/@jane/12",
    ]
    stored = await uow.mastodon_sources.get(A, source.id)
    assert stored.last_status_id == "12"


async def test_statuses_up_to_the_resume_point_are_not_recorded_again(uow: Any) -> None:
    source = await added(uow)
    await record_statuses(uow, source, None, [a_status("11")], NOW)

    cursor = await record_statuses(uow, source, "11", [a_status("11"), a_status("12")], NOW)

    assert cursor == "12"
    assert [e.url for e in uow.events][-1] == "https://mastodon.example/@jane/12"
    assert len(uow.events) == 2


async def test_a_resume_point_moved_elsewhere_records_nothing(uow: Any) -> None:
    source = await added(uow)
    await record_statuses(uow, source, None, [a_status("11")], NOW)  # another replica did

    with pytest.raises(CursorMovedError):
        await record_statuses(uow, source, None, [a_status("11"), a_status("12")], NOW)

    assert len(uow.events) == 1


# The follower, on a scripted timeline


class ScriptedTimelines:
    """Pages from ``statuses``; the stream yields ``streamed`` then ends (a drop), or is
    refused while ``refuse`` is set."""

    def __init__(self) -> None:
        self.statuses: list[MastodonStatus] = []
        self.streamed: list[TimelineEvent] = []
        self.refuse = False
        self.calls: list[str] = []

    @asynccontextmanager
    async def stream(
        self, source: MastodonSource, token: str | None
    ) -> AsyncIterator[AsyncIterator[TimelineEvent]]:
        self.calls.append(f"stream token={token}")
        if self.refuse:
            raise StreamRefusedError("401 not authorized")

        async def events() -> AsyncIterator[TimelineEvent]:
            for status in self.streamed:
                yield status

        yield events()

    async def page_after(
        self, source: MastodonSource, token: str | None, after: str | None
    ) -> list[MastodonStatus]:
        self.calls.append(f"page after={after}")
        if after is None:
            return self.statuses[-2:]
        return [s for s in self.statuses if later_id(s.id, after)][:2]


class StopFollowingError(BaseException):
    """Ends a follower's run after the sleeps a test allows (a BaseException, as a
    cancellation is: the follower catches every Exception)."""


def follower_of(
    source: MastodonSource, uow: Any, timelines: ScriptedTimelines, clock: Any, sleeps: int
) -> TimelineFollower:
    left = [sleeps]

    async def sleep(_: float) -> None:
        left[0] -= 1
        if left[0] < 0:
            raise StopFollowingError

    return TimelineFollower(
        source,
        uow=lambda: uow,
        timelines=timelines,
        tokens=Sealer(),
        clock=clock,
        policy=FollowPolicy(poll_interval_s=0.0, stream_retry_s=0.0),
        sleep=sleep,
    )


async def test_a_new_source_starts_at_the_newest_status(uow: Any, clock: Any) -> None:
    source = await added(uow, sealed_token="sealed:tok")
    timelines = ScriptedTimelines()
    timelines.statuses = [a_status("1"), a_status("2")]
    timelines.streamed = [a_status("3")]

    with pytest.raises(StopFollowingError):
        await follower_of(source, uow, timelines, clock, sleeps=0).run()

    assert timelines.calls[:2] == ["stream token=tok", "page after=None"]
    assert [e.url for e in uow.events] == ["https://mastodon.example/@jane/3"]


async def test_streamed_edits_and_deletions_revise_and_withdraw(uow: Any, clock: Any) -> None:
    source = await added(uow)
    await uow.mastodon_sources.advance(A, source.id, seen=None, to="2")
    stored = await uow.mastodon_sources.get(A, source.id)
    mention = a_mention(1, NOW, tenant_id=A, source_item="https://mastodon.example/statuses/1")
    await uow.mentions.add(mention)
    timelines = ScriptedTimelines()
    timelines.streamed = [
        StatusEdited(a_status("2", edited_at="2030-01-01T08:30:00Z")),
        StatusDeleted("1"),
        StatusDeleted("999"),  # a status no mention was made of
    ]

    with pytest.raises(StopFollowingError):
        await follower_of(stored, uow, timelines, clock, sleeps=0).run()

    edit, update = uow.events
    assert isinstance(edit, PostFetched)
    assert edit.edited_at == datetime(2030, 1, 1, 8, 30, tzinfo=UTC)
    assert isinstance(update, MentionUpdated)
    assert (update.mention_id, update.withdrawn) == (mention.id, "deleted")
    assert uow.store.mentions[mention.id].withdrawn == "deleted"
    # Neither moved the resume point.
    assert (await uow.mastodon_sources.get(A, source.id)).last_status_id == "2"


async def test_after_a_drop_the_pages_since_the_resume_point_come_first(
    uow: Any, clock: Any
) -> None:
    source = await added(uow)
    await uow.mastodon_sources.advance(A, source.id, seen=None, to="2")
    stored = await uow.mastodon_sources.get(A, source.id)
    timelines = ScriptedTimelines()
    timelines.statuses = [a_status(str(i)) for i in range(1, 7)]  # 3..6 posted while away
    timelines.streamed = [a_status("6"), a_status("7")]  # 6 again: already recorded

    with pytest.raises(StopFollowingError):
        await follower_of(stored, uow, timelines, clock, sleeps=0).run()

    urls = [e.url for e in uow.events]
    assert urls == [f"https://mastodon.example/@jane/{i}" for i in range(3, 8)]
    assert "page after=2" in timelines.calls
    assert "page after=4" in timelines.calls
    assert (await uow.mastodon_sources.get(A, source.id)).last_status_id == "7"


async def test_a_refused_stream_is_polled_and_shown(uow: Any, clock: Any) -> None:
    source = await added(uow)
    timelines = ScriptedTimelines()
    timelines.refuse = True
    timelines.statuses = [a_status("1")]
    follower = follower_of(source, uow, timelines, clock, sleeps=2)

    with pytest.raises(StopFollowingError):
        await follower.run()

    stored = await uow.mastodon_sources.get(A, source.id)
    assert stored.state == "polling"
    assert stored.detail == "streaming refused: 401 not authorized"
    assert stored.last_status_id == "1"


async def test_a_token_no_key_reads_leaves_the_source_failing(uow: Any, clock: Any) -> None:
    source = await added(uow, sealed_token="unreadable")

    class NoKey:
        def open(self, sealed: str) -> str:
            raise TokenUnreadableError("no key decrypts this source's access token")

    follower = TimelineFollower(
        source,
        uow=lambda: uow,
        timelines=ScriptedTimelines(),
        tokens=NoKey(),
        clock=clock,
        policy=FollowPolicy(),
    )

    with pytest.raises(TokenUnreadableError):
        await follower.run()

    stored = await uow.mastodon_sources.get(A, source.id)
    assert stored.state == "failing"
    assert (
        stored.detail
        == "the access token cannot be read: no key decrypts this source's access token"
    )


async def test_a_failing_poll_is_retried_and_shown(uow: Any, clock: Any) -> None:
    source = await added(uow)
    timelines = ScriptedTimelines()
    timelines.refuse = True
    pages = timelines.page_after

    async def failing_once(*args: Any) -> list[MastodonStatus]:
        timelines.page_after = pages  # type: ignore[method-assign]
        raise ConnectionError("instance down")

    timelines.page_after = failing_once  # type: ignore[method-assign]
    follower = follower_of(source, uow, timelines, clock, sleeps=1)

    with pytest.raises(StopFollowingError):
        await follower.run()

    stored = await uow.mastodon_sources.get(A, source.id)
    assert stored.state == "polling"  # the failure was shown, then polling went on
    assert timelines.calls.count("stream token=None") == 2
