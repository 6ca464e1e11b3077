"""Comments accepted together (one transaction for a batch, group commit): each gets the
answer it would have got alone, in the batch's order, and the batch's lookups and writes are
one each, whatever its size."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest

from comments.domain.batch import Author, BatchFacts, TextPlace, TextProbe
from comments.domain.comment import Status
from comments.domain.errors import (
    ClosedError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    RefusedWriteError,
)
from comments.domain.identity import email_digest
from comments.domain.moderation import Ban, BanKind
from comments.domain.settings import CommentSettings, ModerationMode
from comments.service import posting
from comments.service.intake import CommentIntake
from comments.service.ports import Deps, Posted, Visitor
from newsroom_shared.events.comments import CommentPosted
from newsroom_testing.clock import FakeClock

from .conftest import FakeEmailRate, FakeUnitOfWork, Store, known_release

VISITOR = Visitor(client="203.0.113.9")
LONG = "A long enough text to be held as a copy when said twice"


@pytest.fixture(autouse=True)
def two_tenants(store: Store) -> None:
    """t1's release r1 (post-moderated) and t2's release r2 (post-moderated)."""
    for tenant, release, newsroom in (("t1", "r1", "n1"), ("t2", "r2", "n2")):
        store.releases[(tenant, release)] = known_release(tenant, release, newsroom)
        store.settings[(tenant, newsroom)] = CommentSettings(
            tenant, newsroom, mode=ModerationMode.post, banned_words=("darn",)
        )


def new(text: str = LONG, **fields: Any) -> posting.NewComment:
    values: dict[str, Any] = {
        "release_id": "r1",
        "author_name": "Jane",
        "email": "jane@example.com",
        "text": text,
    }
    values.update(fields)
    return posting.NewComment(**values)


async def accept(uow: FakeUnitOfWork, deps: Deps, *news: posting.NewComment) -> list[Any]:
    batch = [posting.submission(VISITOR, n) for n in news]
    return await posting.accept_submitted(uow, deps, batch)


def ban(store: Store, tenant: str, email: str, clock: FakeClock) -> None:
    digest = email_digest(b"unit-test-key", tenant, email)
    found = Ban(tenant, BanKind.email, digest, "abuse", clock.now(), "key-1")
    store.bans[(tenant, found.id)] = found


async def test_a_batch_is_one_transaction_with_one_lookup_and_one_write_of_each_kind(
    uow: FakeUnitOfWork, deps: Deps, store: Store
) -> None:
    store.settings[("t1", "n1")] = CommentSettings(
        "t1", "n1", mode=ModerationMode.pre_until_approved, suspect_words=("refund",)
    )
    news = [new(f"{LONG}, number {n} (refund)", email=f"r{n}@example.com") for n in range(10)]
    outcomes = await accept(uow, deps, *news)
    assert all(isinstance(o, Posted) for o in outcomes)
    assert uow.commits == 1
    assert store.writes == [
        "banned_among",
        "approved_counts",
        "places_of",
        "add_all comments",
        "add_all audit",
    ]
    assert len(store.comments) == len(store.audit) == len(store.outbox) == len(store.mails) == 10


async def test_the_same_text_twice_in_a_batch_holds_the_second_as_a_copy(
    uow: FakeUnitOfWork, deps: Deps, store: Store
) -> None:
    first, second, other_author = await accept(
        uow, deps, new(), new(), new(email="someone@example.com", release_id="r2")
    )
    assert (first.comment.status, first.comment.hold_reasons) == (Status.approved, ())
    assert (second.comment.status, second.comment.hold_reasons) == (
        Status.pending,
        ("duplicate_text",),
    )
    # The same words in another tenant, by another address: no copy of anything there.
    assert other_author.comment.status is Status.approved


async def test_a_copy_of_a_stored_comment_is_held_and_a_short_text_never(
    uow: FakeUnitOfWork, deps: Deps
) -> None:
    await accept(uow, deps, new())
    copy, thanks, thanks_again = await accept(uow, deps, new(), new("Thanks!"), new("Thanks!"))
    assert copy.comment.hold_reasons == ("duplicate_text",)
    assert thanks.comment.status is thanks_again.comment.status is Status.approved


async def test_each_comment_gets_its_own_refusal_and_the_others_are_stored(
    uow: FakeUnitOfWork, deps: Deps, store: Store, clock: FakeClock
) -> None:
    ban(store, "t1", "banned@example.com", clock)
    old = datetime(2000, 1, 1, tzinfo=UTC)
    store.releases[("t1", "closed")] = known_release("t1", "closed", "n3", published_at=old)
    store.settings[("t1", "n3")] = CommentSettings("t1", "n3", open_days=1)
    store.releases[("t1", "gone")] = known_release("t1", "gone", "n1", withdrawn_at=old)
    outcomes = await accept(
        uow,
        deps,
        new("First of all, fine"),
        new(email="banned@example.com"),
        new("darn it, a banned word"),
        new(release_id="closed"),
        new(release_id="gone"),
        new("Last one, fine too", email="ok@example.com"),
    )
    kinds = [type(o) for o in outcomes]
    assert kinds == [
        Posted,
        ForbiddenError,
        InvalidInputError,
        ClosedError,
        NotFoundError,
        Posted,
    ]
    assert len(store.comments) == 2
    assert [e.comment_id for e in store.outbox if isinstance(e, CommentPosted)] == [
        outcomes[0].comment.id,
        outcomes[5].comment.id,
    ]


async def test_a_ban_in_one_tenant_does_not_refuse_the_same_address_in_another(
    uow: FakeUnitOfWork, deps: Deps, store: Store, clock: FakeClock
) -> None:
    ban(store, "t1", "jane@example.com", clock)
    in_t1, in_t2 = await accept(uow, deps, new(), new(release_id="r2"))
    assert isinstance(in_t1, ForbiddenError)
    assert isinstance(in_t2, Posted)
    assert in_t2.comment.tenant_id == "t2"


async def test_a_write_refused_for_one_comment_loses_none_of_the_others(
    uow: FakeUnitOfWork, deps: Deps, store: Store
) -> None:
    store.refused_names = {"Mallory"}
    names = ["Ann", "Bob", "Mallory", "Cy", "Di"]
    outcomes = await accept(
        uow, deps, *(new(f"{LONG} from {n}", author_name=n, email=f"{n}@x.org") for n in names)
    )
    assert isinstance(outcomes[2], RefusedWriteError)
    stored = sorted(c.author_name for c in store.comments.values())
    assert stored == ["Ann", "Bob", "Cy", "Di"]
    assert len(store.outbox) == 4  # the refused comment's event went with its transaction


async def test_a_lone_comment_is_refused_on_its_own(
    uow: FakeUnitOfWork, deps: Deps, store: Store
) -> None:
    store.refused_names = {"Jane"}
    with pytest.raises(RefusedWriteError):
        await posting.post_comment(uow, deps, VISITOR, new())
    assert store.comments == {}
    assert store.outbox == []


async def test_concurrent_posts_share_transactions_and_each_gets_its_answer(
    store: Store, deps: Deps, clock: FakeClock
) -> None:
    ban(store, "t1", "banned@example.com", clock)
    units: list[FakeUnitOfWork] = []

    def unit() -> FakeUnitOfWork:
        units.append(FakeUnitOfWork(store))
        return units[-1]

    intake = CommentIntake(unit, deps, max_batch=8)
    emails = [f"r{n}@example.com" if n != 5 else "banned@example.com" for n in range(20)]
    answers = await asyncio.gather(
        *(intake.post(VISITOR, new(f"{LONG} {n}", email=e)) for n, e in enumerate(emails)),
        return_exceptions=True,
    )
    assert isinstance(answers[5], ForbiddenError)
    assert sum(isinstance(a, Posted) for a in answers) == 19
    assert len(store.comments) == len(store.outbox) == 19
    assert sum(u.commits for u in units) == 3  # 20 in batches of 8 at most


async def test_a_lone_post_commits_at_once(store: Store, deps: Deps) -> None:
    intake = CommentIntake(lambda: FakeUnitOfWork(store), deps)
    posted = await intake.post(VISITOR, new())
    assert store.comments[("t1", posted.comment.id)].status is Status.approved


def test_batch_facts_remember_what_the_batch_stored_per_tenant() -> None:
    author = Author("t1", "n1", "e1")
    facts = BatchFacts(
        banned={("t1", "email:e2")},
        approved={author: 1},
        places=[TextPlace("t1", "d1", "r1", "e1")],
    )
    assert facts.banned("t1", ["client:c", "email:e2"])
    assert not facts.banned("t2", ["email:e2"])
    assert facts.duplicate(TextProbe("t1", "d1", "r9", "e1"))  # by the author elsewhere
    assert facts.duplicate(TextProbe("t1", "d1", "r1", "e9"))  # on the release by another
    assert not facts.duplicate(TextProbe("t2", "d1", "r1", "e1"))  # another tenant
    assert not facts.duplicate(TextProbe("t1", "d1", "r9", None))
    assert facts.approved_before(author, 5) == 1
    assert facts.approved_before(Author("t2", "n1", "e1"), 5) == 0


async def test_an_email_over_its_limit_in_a_batch_is_refused_and_writes_nothing(
    uow: FakeUnitOfWork, deps: Deps, store: Store
) -> None:
    limited = dataclasses.replace(deps, email_rate=FakeEmailRate(per_minute=2))
    news = [new(f"{LONG}, take {n}", email="Jane@Example.com") for n in range(3)]
    outcomes = await accept(uow, limited, *news, new(f"{LONG}, other", email="joe@example.com"))
    assert [type(o) for o in outcomes] == [Posted, Posted, RateLimitedError, Posted]
    refused = outcomes[2]
    assert isinstance(refused, RateLimitedError)
    assert refused.retry_after_s > 0
    assert len(store.comments) == 3
    assert uow.commits == 1


async def test_a_batch_all_over_its_limits_opens_no_transaction(
    uow: FakeUnitOfWork, deps: Deps, store: Store
) -> None:
    limited = dataclasses.replace(deps, email_rate=FakeEmailRate(per_minute=0))
    outcomes = await accept(uow, limited, new(), new(email="joe@example.com"))
    assert all(isinstance(o, RateLimitedError) for o in outcomes)
    assert uow.commits == 0
    assert store.comments == {}
