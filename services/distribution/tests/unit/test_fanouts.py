"""A fan-out's plan, page by page, without I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from distribution.domain.fanouts import FanOut, fan_out_id
from distribution.domain.subscribers import Consent, Subscriber
from newsroom_shared.events.publisher import ReleaseEmbargoed, ReleasePublished

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
FACTS = {
    "tenant_id": "t1",
    "release_id": "r1",
    "newsroom_id": "n1",
    "newsroom_slug": "acme",
    "slug": "launch",
    "title": "Launch",
    "language": "en",
    "url": "https://news.example/acme/launch",
    "version": 1,
}


def subscriber(number: int) -> Subscriber:
    return Subscriber.create(
        subscriber_id=f"s{number}",
        tenant_id="t1",
        newsroom_id="n1",
        email=f"reader{number}@example.org",
        consent=Consent(given_at=NOW, method="double_opt_in"),
        now=NOW,
    )


def test_the_preview_and_the_lift_of_one_release_are_two_fan_outs() -> None:
    published = ReleasePublished(**FACTS, published_at=NOW)
    embargoed = ReleaseEmbargoed(
        **FACTS, embargo_until=NOW + timedelta(hours=1), preview_url="https://news.example/p"
    )
    assert FanOut.start(published, "c1", NOW).id != FanOut.start(embargoed, "c1", NOW).id
    assert FanOut.start(published, "c1", NOW).id == fan_out_id(published.ce_type, "r1", "c1")


def test_each_page_is_planned_from_the_same_release_event() -> None:
    embargoed = ReleaseEmbargoed(
        **FACTS, embargo_until=NOW + timedelta(hours=1), preview_url="https://news.example/p"
    )
    assert FanOut.start(embargoed, "c1", NOW).release_event() == embargoed


def test_a_full_page_leaves_the_fan_out_open_after_its_last_subscriber() -> None:
    started = FanOut.start(ReleasePublished(**FACTS, published_at=NOW), "c1", NOW)
    later = NOW + timedelta(seconds=1)
    first = started.advanced([subscriber(1), subscriber(2)], 2, later, 2)
    assert (first.after, first.pages, first.planned, first.done) == ("s2", 1, 2, False)
    assert first.updated_at == later
    assert first.finished_at is None
    last = first.advanced([subscriber(3)], 0, later, 2)
    assert (last.after, last.pages, last.planned, last.done) == ("s3", 2, 2, True)
    assert last.finished_at == later


def test_an_empty_page_ends_the_fan_out_where_it_was() -> None:
    started = FanOut.start(ReleasePublished(**FACTS, published_at=NOW), "c1", NOW)
    ended = started.advanced([], 0, NOW, 2)
    assert (ended.after, ended.done) == (None, True)
    assert started.closed(NOW).done
