"""The one interface every social network adapter offers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from distribution.domain.channels import ChannelConfig
from distribution.domain.outcomes import Outcome
from distribution.domain.social import Post

ConfigT_contra = TypeVar("ConfigT_contra", bound=ChannelConfig, contravariant=True)


class NetworkAdapter(Protocol[ConfigT_contra]):
    async def publish(
        self, config: ConfigT_contra, posts: Sequence[Post], idempotency_key: str
    ) -> Outcome:
        """Posts ``posts`` in order, each reply to the one before (a thread).

        ``Success`` carries the first post's remote id and public URL. ``idempotency_key`` is the
        delivery's, the same on every attempt: networks that can deduplicate on it do.
        """
        ...

    async def delete(self, config: ConfigT_contra, remote_id: str) -> Outcome:
        """Deletes a post we made (the ``remote_id`` its ``Success`` carried)."""
        ...
