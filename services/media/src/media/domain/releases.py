"""What media knows of releases (from the publisher's events) and who may see their media.

The publisher emits events for a release once it is embargoed, published, corrected or
withdrawn; a draft is never announced. So an item no known release names is staff-only: it
may be in a draft, and a draft's pictures are not public. Its files are served to staff (their
API key) and through signed, expiring links until a release that names it is public.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from media.domain.errors import (
    BadSignatureError,
    LinkExpiredError,
    NotPublicError,
    WithdrawnError,
)
from newsroom_shared.signed_urls import Verdict


class ReleaseState(StrEnum):
    EMBARGOED = "embargoed"
    PUBLIC = "public"
    WITHDRAWN = "withdrawn"


# At the same release version, the lift of an embargo (published) follows the embargo.
_RANK = {ReleaseState.EMBARGOED: 0, ReleaseState.PUBLIC: 1, ReleaseState.WITHDRAWN: 2}


@dataclass(frozen=True, slots=True)
class KnownRelease:
    tenant_id: str
    release_id: str
    state: ReleaseState
    media_ids: tuple[str, ...]
    version: int  # 0: known only from its withdrawal, which carries no version
    slug: str = ""
    title: str = ""
    changed_at: datetime | None = None

    def after(self, incoming: KnownRelease) -> KnownRelease | None:
        """This release once ``incoming`` (the news of an event) is applied; None when the
        news is old. A withdrawal is final (the publisher never republishes a withdrawn
        release): later news of its content is kept, its state stays withdrawn."""
        if incoming.state is ReleaseState.WITHDRAWN:
            if self.state is ReleaseState.WITHDRAWN:
                return None
            return replace(self, state=ReleaseState.WITHDRAWN, changed_at=incoming.changed_at)
        if (incoming.version, _RANK[incoming.state]) <= (self.version, _RANK[self.state]):
            return None
        if self.state is ReleaseState.WITHDRAWN:
            return replace(incoming, state=ReleaseState.WITHDRAWN, changed_at=self.changed_at)
        return incoming


def applied(current: KnownRelease | None, incoming: KnownRelease) -> KnownRelease | None:
    """What to store after the news ``incoming``; None: nothing changes."""
    return incoming if current is None else current.after(incoming)


class Access(StrEnum):
    """Who may fetch an item's files."""

    PUBLIC = "public"  # a public release names it: anyone, cacheable
    STAFF_ONLY = "staff_only"  # in no known release, or only in embargoed ones: key or signature
    WITHDRAWN = "withdrawn"  # only in withdrawn releases: gone for the public (410)


def access_of(releases: Iterable[KnownRelease], *, logo: bool = False) -> Access:
    """One public release is enough (an image may be reused by a release still online), as
    is being a newsroom's ``logo`` (on all its public pages); an embargo keeps it staff-only;
    withdrawn only when every release naming it is."""
    states = {release.state for release in releases}
    if ReleaseState.PUBLIC in states or logo:
        return Access.PUBLIC
    if ReleaseState.WITHDRAWN in states and ReleaseState.EMBARGOED not in states:
        return Access.WITHDRAWN
    return Access.STAFF_ONLY


def admit(access: Access, *, staff: bool, signature: Verdict) -> None:
    """Raise unless the caller may fetch a file of this access: anyone a public one; staff of
    its tenant and holders of a valid signed link any other (a withdrawn item too: staff
    still see what they took down)."""
    if access is Access.PUBLIC or staff or signature is Verdict.VALID:
        return
    if signature is Verdict.EXPIRED:
        raise LinkExpiredError("This link has expired: ask for a new one")
    if signature is Verdict.INVALID:
        raise BadSignatureError("This link's signature is not valid: use it as you received it")
    if access is Access.WITHDRAWN:
        raise WithdrawnError("This file was withdrawn with its release")
    raise NotPublicError("No such file")
