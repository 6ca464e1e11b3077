"""The one interface every social network adapter offers, and the outcomes only they give."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from distribution.domain.channels import ChannelConfig
from distribution.domain.outcomes import Outcome, Success, TransientFailure
from distribution.domain.social import Post

ConfigT_contra = TypeVar("ConfigT_contra", bound=ChannelConfig, contravariant=True)

# Our clock and the network's differ a little: posts are looked for from this long before
# the first attempt.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Posted(Success):
    """A success that names every post made, in thread order (``remote_id`` is the first): a
    withdrawal deletes them all."""

    remote_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Unconfirmed(TransientFailure):
    """A transient failure after which a post may exist: the request went out and its answer
    was lost (a timeout, a dropped connection, a 5xx), or a thread stopped after some posts
    landed. The delivery is marked, and the next attempt looks for the post before posting."""


class NetworkAdapter(Protocol[ConfigT_contra]):
    async def publish(
        self,
        config: ConfigT_contra,
        posts: Sequence[Post],
        idempotency_key: str,
        *,
        since: datetime | None = None,
    ) -> Outcome:
        """Posts ``posts`` in order, each reply to the one before (a thread).

        ``Success`` (a :class:`Posted`) carries the first post's remote id and public URL, and
        every post's id. ``idempotency_key`` is the delivery's, the same on every attempt:
        networks that can deduplicate on it do. ``since``: an earlier attempt from then on may
        have posted; networks without an idempotency key first look for those posts (matched
        by their exact text) and post only what is missing.
        """
        ...

    async def delete(self, config: ConfigT_contra, remote_id: str) -> Outcome:
        """Deletes a post we made (one of the ids its ``Success`` carried); a post already gone
        counts as deleted."""
        ...
