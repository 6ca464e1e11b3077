"""Collection ``mail_outbox``: the commenters' mails waiting to be sent, each with its
recipient's address and its rendered content, gone once sent or given up.

Mails are written in a unit of work (:class:`MongoMailOutbox`, the transaction of the comment
they are about) and sent by the mail loop through :class:`MongoMailQueue`, which works across
tenants as the event outbox's relay does (the one query here that does not start from a
tenant: the loop serves them all). A claim is a random token and a lease: a sender changes a
mail only while its claim is the mail's, so two senders never both send one mail, and one that
dies leaves its claim to expire.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from pymongo import ReturnDocument

from comments.adapters.mongo.base import Repository, insert_all
from comments.domain.mail import Attempt, Mail, MailKind, Rendered
from newsroom_shared.mongo import Database, Document

COLLECTION = "mail_outbox"


def _document(mail: Mail) -> Document:
    return {
        "_id": mail.id,
        "tenant_id": mail.tenant_id,
        "comment_id": mail.comment_id,
        "kind": mail.kind.value,
        "recipient": mail.recipient,
        "subject": mail.content.subject,
        "text": mail.content.text,
        "html": mail.content.html,
        "created_at": mail.created_at,
        "due_at": mail.created_at,
        "claimed_until": mail.created_at,  # unclaimed: a claim that ended when it was made
        "claim": None,
        "attempts": 0,
        "last_error": None,
    }


def _attempt(d: Document) -> Attempt:
    mail = Mail(
        id=d["_id"],
        tenant_id=d["tenant_id"],
        comment_id=d["comment_id"],
        kind=MailKind(d["kind"]),
        recipient=d["recipient"],
        content=Rendered(subject=d["subject"], text=d["text"], html=d["html"]),
        created_at=d["created_at"],
    )
    return Attempt(mail=mail, claim=d["claim"], attempts=d["attempts"])


class MongoMailOutbox(Repository):
    COLLECTION = COLLECTION

    async def add(self, mail: Mail) -> None:
        await self._collection.insert_one(_document(mail), **self._opts())

    async def add_all(self, mails: Sequence[Mail]) -> None:
        await insert_all(self._collection, [_document(m) for m in mails], **self._opts())


class MongoMailQueue:
    def __init__(self, db: Database) -> None:
        self._mails = db[COLLECTION]

    async def claim_due(self, now: datetime, until: datetime, limit: int) -> list[Attempt]:
        claimed: list[Attempt] = []
        while len(claimed) < limit:
            found = await self._mails.find_one_and_update(
                {"due_at": {"$lte": now}, "claimed_until": {"$lte": now}},
                {"$set": {"claim": secrets.token_hex(16), "claimed_until": until}},
                sort=[("due_at", 1)],
                return_document=ReturnDocument.AFTER,
            )
            if found is None:
                break
            claimed.append(_attempt(found))
        return claimed

    async def sent(self, attempt: Attempt) -> None:
        await self._mails.delete_one(self._held(attempt))

    async def retry_at(self, attempt: Attempt, at: datetime, error: str) -> None:
        await self._mails.update_one(
            self._held(attempt),
            {
                "$set": {"due_at": at, "claimed_until": at, "claim": None, "last_error": error},
                "$inc": {"attempts": 1},
            },
        )

    async def give_up(self, attempt: Attempt, error: str) -> None:
        await self._mails.delete_one(self._held(attempt))

    @staticmethod
    def _held(attempt: Attempt) -> Document:
        return {"_id": attempt.mail.id, "claim": attempt.claim}
