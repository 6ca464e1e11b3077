"""What the rules know about a batch of new comments accepted together (one transaction),
so that each gets the decision it would have got alone, in the batch's order.

The use case reads the database once for the whole batch (bans, the places where the batch's
texts already are, the authors' approved comments) and builds :class:`BatchFacts` from the
answers; every comment the batch stores is then remembered, so a later one in the same batch
sees it as it would have seen it in the database: the same text from the same author is a
duplicate, an approval counts toward the author's next comment. Everything is keyed by tenant:
nothing one tenant has or does counts in another.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from comments.domain.comment import Comment, Status


@dataclass(frozen=True, slots=True)
class Author:
    """An author in a newsroom: whose approved comments count toward their next one."""

    tenant_id: str
    newsroom_id: str
    email_hash: str


@dataclass(frozen=True, slots=True)
class TextProbe:
    """A text to look for where the duplicate rule looks: on the release, or by the author."""

    tenant_id: str
    digest: str
    release_id: str
    email_hash: str | None


@dataclass(frozen=True, slots=True)
class TextPlace:
    """Where a stored comment's text is: its tenant, digest, release and author."""

    tenant_id: str
    digest: str
    release_id: str
    email_hash: str | None


class BatchFacts:
    """The database's answers for a batch, plus what the batch itself stored so far."""

    def __init__(
        self,
        banned: Iterable[tuple[str, str]] = (),
        approved: Mapping[Author, int] | None = None,
        places: Iterable[TextPlace] = (),
    ) -> None:
        self._banned = set(banned)  # (tenant, ban id)
        self._approved: Counter[Author] = Counter(approved or {})
        self._on_release: set[tuple[str, str, str]] = set()
        self._by_author: set[tuple[str, str, str]] = set()
        for place in places:
            self._place(place)

    def banned(self, tenant_id: str, ban_ids: Iterable[str]) -> bool:
        return any((tenant_id, ban_id) in self._banned for ban_id in ban_ids)

    def approved_before(self, author: Author, up_to: int) -> int:
        return min(self._approved[author], up_to)

    def duplicate(self, probe: TextProbe) -> bool:
        """The text already on the release, or from the author anywhere in the tenant."""
        on_release = (probe.tenant_id, probe.digest, probe.release_id) in self._on_release
        by_author = probe.email_hash is not None and (
            (probe.tenant_id, probe.digest, probe.email_hash) in self._by_author
        )
        return on_release or by_author

    def remember(self, comment: Comment) -> None:
        """A comment the batch stores: later comments of the batch see it."""
        if comment.body.text:
            self._place(
                TextPlace(
                    comment.tenant_id, comment.body.digest, comment.release_id, comment.email_hash
                )
            )
        if comment.status is Status.approved and comment.email_hash is not None:
            self._approved[Author(comment.tenant_id, comment.newsroom_id, comment.email_hash)] += 1

    def _place(self, place: TextPlace) -> None:
        self._on_release.add((place.tenant_id, place.digest, place.release_id))
        if place.email_hash is not None:
            self._by_author.add((place.tenant_id, place.digest, place.email_hash))
