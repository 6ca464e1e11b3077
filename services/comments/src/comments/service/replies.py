"""The company's voice: official replies by staff, shown pinned under the comment they answer.

An official reply skips moderation (staff wrote it) and carries the staff key that wrote it.
It hangs right under the comment it answers, even at the deepest level of a thread. The
release must still be public, but its comment period need not be open: the company may answer
a comment after the newsroom stopped taking new ones.
"""

from __future__ import annotations

from comments.domain.comment import Comment, Status, checked_body, checked_name
from comments.domain.errors import NotFoundError
from comments.domain.ids import new_id
from comments.domain.markup import sanitise
from comments.service import events
from comments.service.lookups import comment_of
from comments.service.ports import Deps, Staff, UnitOfWork
from comments.service.transactions import atomically


async def official_reply(
    uow: UnitOfWork, deps: Deps, staff: Staff, comment_id: str, author_name: str, text: str
) -> Comment:
    name = checked_name(author_name)
    body = checked_body(sanitise(text))

    async def command() -> Comment:
        parent = await comment_of(uow, staff.tenant_id, comment_id)
        release = await uow.releases.get(staff.tenant_id, parent.release_id)
        if release is None or not release.is_public or not parent.visible:
            raise NotFoundError("comment", comment_id)
        reply = Comment(
            id=new_id(),
            tenant_id=staff.tenant_id,
            release_id=parent.release_id,
            newsroom_id=parent.newsroom_id,
            place=parent.place_of_answer(),
            author_name=name,
            email=None,
            email_hash=None,
            client_hash=None,
            body=body,
            status=Status.approved,
            posted_at=deps.clock.now(),
            is_official_reply=True,
            staff_key_id=staff.key_id,
        )
        await uow.comments.add(reply)
        uow.emit(events.comment_posted(reply))
        return reply

    return await atomically(uow, command)
