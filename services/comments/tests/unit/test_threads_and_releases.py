"""Threads as readers see them, and the releases read model's rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from comments.domain import releases
from comments.domain.comment import MAX_DEPTH, Comment, Place, Status
from comments.domain.markup import sanitise
from comments.domain.releases import KnownRelease
from comments.domain.threads import threads

T0 = datetime(2030, 1, 1, tzinfo=UTC)
TOP = Place()


def comment(cid: str, place: Place = TOP, minute: int = 0, **fields: object) -> Comment:
    values: dict[str, object] = {
        "id": cid,
        "tenant_id": "t",
        "release_id": "r",
        "newsroom_id": "n",
        "place": place,
        "author_name": "A",
        "email": None,
        "email_hash": None,
        "client_hash": None,
        "body": sanitise(cid),
        "status": Status.approved,
        "posted_at": T0 + timedelta(minutes=minute),
    }
    values.update(fields)
    return Comment(**values)  # type: ignore[arg-type]


def test_replies_nest_two_levels_then_hang_beside_the_deepest() -> None:
    root = comment("a")
    one = comment("b", root.place_of_reply())
    two = comment("c", one.place_of_reply())
    assert (one.place.depth, two.place.depth) == (1, 2) == (1, MAX_DEPTH)
    assert two.place_of_reply() == two.place  # same parent, same depth
    assert two.place_of_answer() == Place(parent_id="c", root_id="a", depth=3)


def test_official_replies_are_pinned_first_and_hidden_parents_hide_their_replies() -> None:
    root = comment("a")
    early = comment("b", root.place_of_reply(), minute=1)
    late_official = comment("c", root.place_of_reply(), minute=5, is_official_reply=True)
    hidden = comment("d", root.place_of_reply(), minute=2, status=Status.hidden)
    orphan = comment("e", hidden.place_of_reply(), minute=3)
    [node] = threads([root], [early, late_official, hidden, orphan])
    assert [child.comment.id for child in node.replies] == ["c", "b"]
    assert all(not child.replies for child in node.replies)


def test_a_release_opens_on_publication_and_closes_after_its_period() -> None:
    release = KnownRelease("t", "r", "n", version=1, published_at=T0)
    assert release.is_open(T0 + timedelta(days=2), None)
    assert release.is_open(T0 + timedelta(days=2), 3)
    assert not release.is_open(T0 + timedelta(days=3), 3)


def test_a_withdrawal_wins_over_a_publication_heard_later_or_again() -> None:
    closed = releases.withdrawn(None, "t", "r", "n", T0)
    again = releases.published(closed, KnownRelease("t", "r", "n", version=2, published_at=T0))
    assert again.withdrawn_at == T0
    assert not again.is_public
    assert releases.withdrawn(again, "t", "r", "n", T0 + timedelta(hours=1)).withdrawn_at == T0


def test_an_older_version_changes_nothing_and_the_first_publication_time_stays() -> None:
    first = KnownRelease("t", "r", "n", title="v2", version=2, published_at=T0)
    older = replace(first, title="v1", version=1)
    assert releases.published(first, older) == first
    newer = replace(first, title="v3", version=3, published_at=T0 + timedelta(days=1))
    assert releases.published(first, newer) == replace(newer, published_at=T0)
