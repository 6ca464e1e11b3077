"""A fan-out's plan, page by page, without I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from distribution.domain.fanouts import READY_HOLD, FanOut, fan_out_id, held_until
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
    first = started.advanced([subscriber(1), subscriber(2)], 2, later, page_size=2)
    assert (first.after, first.pages, first.planned, first.done) == ("s2", 1, 2, False)
    assert first.updated_at == later
    assert first.finished_at is None
    last = first.advanced([subscriber(3)], 0, later, page_size=2)
    assert (last.after, last.pages, last.planned, last.done) == ("s3", 2, 2, True)
    assert last.finished_at == later


def test_an_empty_page_ends_the_fan_out_where_it_was() -> None:
    started = FanOut.start(ReleasePublished(**FACTS, published_at=NOW), "c1", NOW)
    ended = started.advanced([], 0, NOW, page_size=2)
    assert (ended.after, ended.done) == (None, True)
    assert started.closed(NOW).done


def test_queued_deliveries_are_held_for_the_ready_queue() -> None:
    assert held_until(NOW) == NOW + READY_HOLD


def test_a_page_read_up_to_a_bound_ends_there_even_short_or_empty() -> None:
    # Subscribers of the page's range left between the cursor's read and the page's: the
    # fan-out goes on from the bound, not from its last subscriber, and is not over.
    started = FanOut.start(ReleasePublished(**FACTS, published_at=NOW), "c1", NOW)
    short = started.advanced([subscriber(1)], 1, NOW, page_size=3, up_to="s4")
    assert (short.after, short.done) == ("s4", False)
    empty = short.advanced([], 0, NOW, page_size=3, up_to="s7")
    assert (empty.after, empty.done) == ("s7", False)
    # More confirmed in the range since: a full page ends at its last subscriber.
    full = empty.advanced([subscriber(8), subscriber(81), subscriber(82)], 3, NOW, 3, up_to="s9")
    assert (full.after, full.done) == ("s82", False)
