"""Finding the posts an earlier attempt made, on networks that cannot deduplicate for us.

X, LinkedIn and Facebook take no idempotency key: when an attempt's answer was lost (a crash, a
timeout) the post may exist. Before posting again, the adapter reads the account's recent posts
and takes the ones whose exact text is ours, from the first attempt on, as already made; a
thread continues after its last post found. No marker goes into the text: readers would see it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from distribution.adapters.networks.base import Posted, Unconfirmed
from distribution.adapters.networks.http import OutcomeError
from distribution.domain.outcomes import Outcome, TransientFailure


@dataclass(frozen=True, slots=True)
class FoundPost:
    """A post read back from the network, its text as we sent it."""

    id: str
    text: str
    created_at: datetime
    reply_to: str | None = None  # the post it answers (threads)


def landed(texts: Sequence[str], found: Iterable[FoundPost], since: datetime) -> list[str]:
    """The ids of the thread's first posts already on the network, in order: post ``i`` has
    text ``texts[i]``, was made at or after ``since``, and (after the first) replies to post
    ``i - 1``; the first post missing ends the search (the rest is posted from there)."""
    candidates = sorted((f for f in found if f.created_at >= since), key=lambda f: f.created_at)
    ids: list[str] = []
    for text in texts:
        previous = ids[-1] if ids else None
        match = next(
            (
                f
                for f in candidates
                if f.text == text and f.reply_to == previous and f.id not in ids
            ),
            None,
        )
        if match is None:
            break
        ids.append(match.id)
    return ids


def creation_failure(error: OutcomeError) -> OutcomeError:
    """``error`` of a request that creates a post, as :class:`Unconfirmed` when the post may
    exist all the same (the request went out and no answer, or a 5xx, came back)."""
    outcome = error.outcome
    if error.may_have_landed and isinstance(outcome, TransientFailure):
        unsure = Unconfirmed(outcome.reason, outcome.retry_after)
        return OutcomeError(unsure, error.response, may_have_landed=True)
    return error


def thread_failure(outcome: Outcome, posted: Sequence[str]) -> Outcome:
    """A thread's failure after ``posted`` landed: unconfirmed, so the retry looks for them and
    goes on after them instead of starting over."""
    if posted and isinstance(outcome, TransientFailure) and not isinstance(outcome, Unconfirmed):
        return Unconfirmed(outcome.reason, outcome.retry_after)
    return outcome


def thread_posted(posted: Sequence[str], first_url: str | None) -> Posted:
    if not posted:
        raise ValueError("publish needs at least one post")
    return Posted(posted[0], first_url, tuple(posted))
