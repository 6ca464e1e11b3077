"""The one interface every social network adapter offers, and the outcomes only they give."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from distribution.domain.channels import ChannelConfig
from distribution.domain.outcomes import Outcome
from distribution.domain.outcomes import Posted as Posted  # the outcomes only networks give
from distribution.domain.outcomes import Unconfirmed as Unconfirmed
from distribution.domain.social import Post

ConfigT_contra = TypeVar("ConfigT_contra", bound=ChannelConfig, contravariant=True)

# Our clock and the network's differ a little: posts are looked for from this long before
# the first attempt.
CLOCK_SKEW = timedelta(minutes=5)


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
