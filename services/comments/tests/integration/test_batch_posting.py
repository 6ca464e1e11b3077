"""Many visitors posting at once through the HTTP API: their comments are accepted by group
commit (fewer transactions than comments), each answered as it would be alone, stored once,
announced once, tenants apart; a comment the database refuses to store loses no other."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from pymongo.asynchronous.client_session import AsyncClientSession

from comments.config import CommentsSettings
from comments.domain.errors import RefusedWriteError
from comments.domain.identity import email_digest
from newsroom_shared.outbox import OutboxEntry

from .conftest import A, B, known_release, ok, post_mode, published, staff

pytestmark = pytest.mark.connected

TEXT = "A comment long enough to count as a copy when said twice, number {n}"
POSTED_TOPIC = "newsroom.comment.posted.v1"


@pytest.fixture
def commits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the transactions committed in this process."""
    counted = [0]
    original = AsyncClientSession.commit_transaction

    async def counting(self: AsyncClientSession) -> None:
        counted[0] += 1
        await original(self)

    monkeypatch.setattr(AsyncClientSession, "commit_transaction", counting)
    return counted


async def open_release(api: httpx.AsyncClient, tenant: str) -> str:
    event = await known_release(api, published(tenant))
    await post_mode(api, tenant, event.newsroom_id)
    return event.release_id


def body(n: int, email: str | None = None, text: str | None = None) -> dict[str, Any]:
    return {
        "author_name": f"Reader {n}",
        "email": email or f"reader{n}@example.org",
        "text": text or TEXT.format(n=n),
    }


async def posted_events(db: Any) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    async for document in db["outbox"].find({}):
        for entry in OutboxEntry.all_from(document):
            if entry.topic == POSTED_TOPIC:
                events.append(json.loads(entry.value))
    return events


async def test_concurrent_posts_are_answered_each_as_alone_with_fewer_commits(
    api: httpx.AsyncClient, settings: CommentsSettings, mongo_client: Any, commits: list[int]
) -> None:
    in_a, in_b = await open_release(api, A), await open_release(api, B)
    banned = "banned@example.org"
    digest = email_digest(b"digest-key-for-tests", A, banned)
    ban = {"kind": "email", "digest": digest, "reason": "abuse"}
    await ok(api, "POST", "/v1/bans", 201, json=ban, headers=staff(A))
    posts: list[tuple[str, dict[str, Any]]] = [(in_a, body(n)) for n in range(30)]
    posts += [(in_b, body(n)) for n in range(30, 36)]
    posts += [
        (in_a, body(40, banned)),  # banned in A
        (in_b, body(41, banned)),  # the same address in B: not banned there
        (in_a, body(42, "twice@example.org", TEXT.format(n="twice"))),
        (in_a, body(43, "twice@example.org", TEXT.format(n="twice"))),  # a copy: held
        (in_b, body(44, "twice@example.org", TEXT.format(n="twice"))),  # another tenant: no copy
        (in_a, body(45, text="darn, a banned word")),
    ]
    await post_mode(api, A, await _newsroom_of(mongo_client, settings, in_a), banned_words=["darn"])
    # One post first for the client and each address posting twice below: the shared
    # limiter's first hit on a key is an upsert, which the local server may answer with
    # nothing when two race (MongoDB retries such an upsert itself).
    warm_ups = [body(90, banned, "Warm up one"), body(91, "twice@example.org", "Warm up two")]
    for warm_up in warm_ups:
        await ok(api, "POST", f"/v1/public/releases/{in_b}/comments", 201, json=warm_up)
    commits[0] = 0
    answers = await asyncio.gather(
        *(api.post(f"/v1/public/releases/{r}/comments", json=b) for r, b in posts)
    )
    by_author = {b["author_name"]: a for (_, b), a in zip(posts, answers, strict=True)}
    assert by_author["Reader 40"].status_code == 403
    assert by_author["Reader 45"].status_code == 422
    accepted = [a.json() for a in answers if a.status_code == 201]
    assert len(accepted) == len(posts) - 2
    statuses = {name: a.json()["status"] for name, a in by_author.items() if a.status_code == 201}
    assert statuses["Reader 41"] == "approved"
    held_twice = [
        by_author[name].json()["hold_reasons"] for name in ("Reader 42", "Reader 43", "Reader 44")
    ]
    assert sorted(held_twice) == [[], [], ["duplicate_text"]]
    assert by_author["Reader 44"].json()["hold_reasons"] == []
    assert commits[0] < len(posts)  # group commit: several comments per transaction

    db = mongo_client[settings.database_name]
    query = {"author_name": {"$nin": ["Reader 90", "Reader 91"]}}
    stored = [d["_id"] async for d in db["comments"].find(query, {"_id": 1})]
    assert sorted(stored) == sorted(a["id"] for a in accepted)  # each stored once
    events = [e for e in await posted_events(db) if e["comment_id"] in stored]
    assert sorted(e["comment_id"] for e in events) == sorted(a["id"] for a in accepted)
    tenants = {e["comment_id"]: e["tenant_id"] for e in events}
    assert tenants[by_author["Reader 41"].json()["id"]] == B


async def _newsroom_of(mongo_client: Any, settings: CommentsSettings, release_id: str) -> str:
    found = await mongo_client[settings.database_name]["releases"].find_one(
        {"release_id": release_id}
    )
    assert found is not None
    return str(found["newsroom_id"])


async def test_a_comment_the_database_refuses_loses_none_of_the_others(
    api: httpx.AsyncClient, settings: CommentsSettings, mongo_client: Any
) -> None:
    release = await open_release(api, A)
    db = mongo_client[settings.database_name]
    # A unique key only Mallory's comments break (one of hers is stored already).
    await db["comments"].create_index(
        "author_name",
        unique=True,
        partialFilterExpression={"author_name": "Mallory"},
        name="one_mallory",
    )
    await db["comments"].insert_one({"_id": "old", "author_name": "Mallory", "tenant_id": A})
    names = [f"Reader {n}" for n in range(12)]
    names.insert(5, "Mallory")
    url = f"/v1/public/releases/{release}/comments"
    await ok(api, "POST", url, 201, json=body(99, text="Warm up"))  # the client's counter
    await db["comments"].delete_many({"author_name": "Reader 99"})
    answers = await asyncio.gather(
        *(
            api.post(url, json={"author_name": name, "email": f"{n}@x.org", "text": f"Hi {n}"})
            for n, name in enumerate(names)
        ),
        return_exceptions=True,  # the test client raises what the app answered 500 for
    )
    codes = {
        name: a if isinstance(a, Exception) else a.status_code
        for name, a in zip(names, answers, strict=True)
    }
    mallory = codes.pop("Mallory")
    assert mallory == 500 or isinstance(mallory, RefusedWriteError)
    assert set(codes.values()) == {201}
    stored = await db["comments"].count_documents({"tenant_id": A, "_id": {"$ne": "old"}})
    assert stored == 12
    assert len(await posted_events(db)) == 13  # with the warm-up's
