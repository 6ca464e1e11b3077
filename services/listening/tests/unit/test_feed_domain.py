"""Feed sources' domain, no I/O: an entry becomes a post, the backoff schedule, the state a
poll leaves, Retry-After."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from listening.domain.dedupe import url_key
from listening.domain.feed_entries import (
    MAX_TEXT,
    FeedEntry,
    entry_digest,
    feed_post,
    language_tag,
    retry_after_s,
)
from listening.domain.feeds import Feed, FeedPolicy, Validators, backoff_s
from listening.domain.html_text import html_to_text

NOW = datetime(2030, 1, 1, 9, tzinfo=UTC)
POLICY = FeedPolicy(poll_interval_s=600, retry_base_s=60, backoff_cap_s=3600, jitter=0.1)


def a_feed(seen: tuple[str, ...] = ()) -> Feed:
    feed = Feed.create(tenant_id="t1", url="https://feeds.example/rss", name=" News ", now=NOW)
    return replace(feed, seen=seen)


def test_an_entry_becomes_plain_text_keyed_by_its_link() -> None:
    entry = FeedEntry(
        entry_id="guid-1",
        title="Acme &amp; friends",
        body="<p>Acme <b>launches</b> it.</p><script>steal()</script><p>Second &lt;p&gt;</p>",
        link="https://news.example/a?utm_source=x",
        author="Jane",
        published=NOW,
        language="en-GB",
    )
    post = feed_post("f1", entry, feed_language="sv")
    assert post is not None
    assert post.text == "Acme & friends\n\nAcme launches it.\n\nSecond <p>"
    assert post.post_key == url_key("https://news.example/a")  # tracking parameter dropped
    assert (post.url, post.author, post.published_at) == (entry.link, "Jane", NOW)
    assert post.language == "en"  # the entry's own language before the feed's


def test_an_entry_without_link_or_id_is_keyed_by_the_feed_and_its_text() -> None:
    entry = FeedEntry(entry_id=None, title="Only a title", language=None)
    post = feed_post("f1", entry, feed_language="sv-SE")
    assert post is not None
    assert post.post_key == f"feed:f1:{entry_digest(entry)}"
    assert post.text == "Only a title"
    assert post.language == "sv"
    assert entry_digest(entry) == entry_digest(FeedEntry(entry_id=None, title="Only a title"))
    assert entry_digest(entry) != entry_digest(FeedEntry(entry_id=None, title="Another"))


def test_a_huge_entry_is_cut_and_an_empty_one_makes_no_post() -> None:
    huge = FeedEntry(entry_id="big", title="Big", body="<p>" + "word " * 50_000 + "</p>")
    post = feed_post("f1", huge, None)
    assert post is not None
    assert len(post.text) == MAX_TEXT
    assert feed_post("f1", FeedEntry(entry_id="empty", body="<p> </p>"), None) is None


def test_a_body_equal_to_the_title_is_said_once() -> None:
    post = feed_post("f1", FeedEntry(entry_id="x", title="Same", body="Same"), None)
    assert post is not None
    assert post.text == "Same"


@pytest.mark.parametrize(
    ("tag", "expected"), [("en-US", "en"), ("SV", "sv"), ("x", None), ("", None), (None, None)]
)
def test_language_tags_keep_their_primary_language(tag: str | None, expected: str | None) -> None:
    assert language_tag(tag) == expected


def test_plain_text_decodes_entities_and_drops_tags() -> None:
    assert html_to_text("a &lt;b&gt; <i>c</i>") == "a <b> c"


def test_the_backoff_doubles_up_to_its_cap_with_equal_jitter() -> None:
    ceilings = [backoff_s(n, POLICY, random=0.999999) for n in range(1, 9)]
    assert [round(c) for c in ceilings] == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert [backoff_s(n, POLICY, random=0.0) for n in (1, 2, 8)] == [30, 60, 1800]


def test_a_failure_schedules_the_next_poll_by_the_backoff() -> None:
    feed = a_feed().failed(NOW, POLICY, 0.5, error="the server answered 500")
    feed = feed.failed(NOW, POLICY, 0.5, error="the server answered 500", status=500)
    assert feed.consecutive_failures == 2
    assert feed.next_poll_at == NOW + timedelta(seconds=backoff_s(2, POLICY, 0.5))
    assert (feed.last_error, feed.last_error_at, feed.disabled) == (
        "the server answered 500",
        NOW,
        False,
    )


def test_retry_after_is_honoured_up_to_the_cap() -> None:
    later = a_feed().failed(NOW, POLICY, 0.0, error="429", status=429, retry_after_s=1200)
    assert later.next_poll_at == NOW + timedelta(seconds=1200)
    capped = a_feed().failed(NOW, POLICY, 0.0, error="503", status=503, retry_after_s=10**6)
    assert capped.next_poll_at == NOW + timedelta(seconds=POLICY.backoff_cap_s)


def test_a_410_disables_at_once_and_404s_after_a_streak() -> None:
    gone = a_feed().failed(NOW, POLICY, 0.5, error="gone", status=410)
    assert gone.disabled
    assert gone.next_poll_at is None
    assert "410" in (gone.disabled_reason or "")
    feed = a_feed()
    for _ in range(POLICY.disable_after_not_found - 1):
        feed = feed.failed(NOW, POLICY, 0.5, error="404", status=404)
        assert not feed.disabled
    feed = feed.failed(NOW, POLICY, 0.5, error="404", status=404)
    assert feed.disabled
    assert feed.next_poll_at is None


def test_a_404_streak_is_broken_by_any_other_outcome() -> None:
    feed = a_feed().failed(NOW, POLICY, 0.5, error="404", status=404)
    feed = feed.failed(NOW, POLICY, 0.5, error="500", status=500)
    feed = feed.failed(NOW, POLICY, 0.5, error="404", status=404)
    assert feed.not_found_streak == 1
    assert not feed.disabled


def test_a_success_resets_failures_and_polls_after_the_interval() -> None:
    failing = a_feed().failed(NOW, POLICY, 0.5, error="boom")
    fine = failing.not_modified(NOW, POLICY, random=0.5)
    assert fine.consecutive_failures == 0
    assert fine.next_poll_at == NOW + timedelta(seconds=600)
    assert fine.last_error == "boom"  # kept for the record
    assert failing.not_modified(NOW, POLICY, 0.0).next_poll_at == NOW + timedelta(seconds=540)


def test_seen_entries_are_bounded_keeping_the_newest() -> None:
    policy = FeedPolicy(seen_ids=3)
    feed = a_feed(seen=("old1", "old2"))
    assert feed.unseen(["new", "old1", "new"]) == ["new"]
    after = feed.fetched(
        NOW, policy, 0.5, kind="atom", validators=Validators('"v2"'), entry_ids=["a", "b"]
    )
    assert after.seen == ("a", "b", "old1")
    assert (after.kind, after.validators.etag) == ("atom", '"v2"')


def test_a_new_feed_is_due_at_once_with_a_tidy_name() -> None:
    feed = a_feed()
    assert (feed.next_poll_at, feed.name, feed.disabled) == (NOW, "News", False)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        ("Tue, 01 Jan 2030 09:05:00 GMT", 300.0),
        ("Mon, 31 Dec 2029 09:00:00 GMT", 0.0),
        ("soon", None),
        (None, None),
    ],
)
def test_retry_after_reads_seconds_and_dates(value: str | None, expected: float | None) -> None:
    assert retry_after_s(value, NOW) == expected
