"""Benchmark P8 (first half): comments accepted per second through the whole acceptance path,
against a raw insert loop of the same documents in the same run.

System: the comments service's acceptance path as the app wires it (``CommentIntake.post``,
the POST route's call) with its real adapters on MongoDB: the text sanitised (nh3) and
checked, the per-email limit taken in the shared window, then the comment joins a batch
(group commit: the comments posted while one batch commits share the next transaction): one
transaction that finds the release and the newsroom's settings (from the service's short
read cache, as the app wires it), checks the batch's bans, looks up what the rules need (the
authors' approved comments: the newsroom is pre-moderated until one was approved; duplicates
of the texts), stores the comments, logs holds in the audit log, and puts ``CommentPosted``
in the outbox and the authors' mails in the mail outbox. ``WRITERS`` visitors post at once,
as requests would (``p8-comments``: 4; ``p8-comments-many``: 32, for both sides).

Baseline, same server, same run: the comment documents the system stored, inserted again into
a fresh collection by the same number of writers, one ``insert_one`` each, no transaction.

Rounds alternate baseline and system; the report gives each round, the median ratio (goal: at
least 0.5) and the database commands per comment by name and by collection (they carry over to
MongoDB; the local server's speed does not, see bench/README.md).
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId

from bench.counting import Commands
from comments.adapters.mongo.indexes import ensure_indexes
from comments.adapters.mongo.releases import MongoReleases
from comments.adapters.mongo.settings import MongoSettings
from comments.adapters.mongo.unit_of_work import MongoUnitOfWork
from comments.adapters.rate_limits import SharedEmailRateLimit
from comments.adapters.read_cache import ReadCaches
from comments.adapters.tokens import SignedAuthorTokens
from comments.config import CommentsSettings
from comments.domain.releases import KnownRelease
from comments.domain.settings import CommentSettings, ModerationMode
from comments.service.intake import CommentIntake
from comments.service.ports import Deps, Visitor
from comments.service.posting import NewComment
from newsroom_shared.clock import SystemClock
from newsroom_shared.events.envelope import envelope_for
from newsroom_shared.http.shared_limits import SharedRateLimits
from newsroom_shared.mongo import Database, make_client
from newsroom_shared.outbox import Outbox

WRITERS = 4
MANY_WRITERS = 32
TENANT = "bench-tenant"
SOURCE = "/newsroom/comments"
WORDS = tuple(f"word{n}" for n in range(50))
TEXTS = (
    "Congratulations on the launch, {n}: <em>finally</em> a product that does what it says.",
    "<p>I tried it yesterday ({n}).</p><blockquote>Faster than ever</blockquote><p>Not quite.</p>",
    'See <a href="https://example.org/review/{n}">my review</a> for the details, {n}.',
    "Why did the price go up? Number {n} asks, and so do my colleagues.",
    "<strong>Great</strong> news {n}! <script>alert(1)</script> When does it ship to Sweden?",
)


async def fresh_db(client: Any, label: str) -> Database:
    db: Database = client[f"bench_p8_{label}_{uuid.uuid4().hex[:8]}"]
    await ensure_indexes(db)
    await Outbox(db).ensure_indexes()
    await SharedRateLimits(db).ensure_indexes()
    return db


async def seed(db: Database) -> tuple[str, Deps]:
    """A published release in a newsroom with word lists, pre-moderated until one approval."""
    release_id, newsroom_id = str(ObjectId()), str(ObjectId())
    now = datetime.now(UTC)
    await MongoReleases(db).put(
        KnownRelease(TENANT, release_id, newsroom_id, "Big news", "https://x", 1, now)
    )
    await MongoSettings(db).put(
        CommentSettings(
            TENANT,
            newsroom_id,
            mode=ModerationMode.pre_until_approved,
            open_days=30,
            banned_words=WORDS[:25],
            suspect_words=WORDS[25:],
        )
    )
    clock = SystemClock()
    deps = Deps(
        clock=clock,
        tokens=SignedAuthorTokens(["bench-key"], clock=lambda: clock.now().timestamp()),
        digest_key=b"bench-digest-key",
        email_rate=SharedEmailRateLimit(SharedRateLimits(db), per_minute=1_000_000),
        edit_window_s=900,
    )
    return release_id, deps


def comment_of(release_id: str, n: int) -> NewComment:
    return NewComment(
        release_id=release_id,
        author_name=f"Reader {n}",
        email=f"reader{n % 500}@example.org",
        text=TEXTS[n % len(TEXTS)].format(n=n),
    )


async def in_writers(count: int, work: Any, writers: int) -> float:
    """``work(n)`` for n in range(count) by ``writers`` concurrent writers; the seconds taken."""
    started = time.perf_counter()

    async def writer(first: int) -> None:
        for n in range(first, count, writers):
            await work(n)

    await asyncio.gather(*(writer(w) for w in range(writers)))
    return time.perf_counter() - started


async def system_round(
    client: Any, commands: Commands, count: int, writers: int
) -> tuple[dict[str, Any], Database]:
    db = await fresh_db(client, "system")
    release_id, deps = await seed(db)
    outbox = Outbox(db)
    # As the service wires it: the release and the settings from the visitors' read cache.
    caches = ReadCaches.of(CommentsSettings.model_fields["read_cache_ttl_s"].default)

    def envelope(event: Any) -> Any:
        return envelope_for(event, source=SOURCE)

    intake = CommentIntake(lambda: MongoUnitOfWork(client, db, outbox, envelope, caches), deps)

    async def post(n: int) -> None:
        visitor = Visitor(client=f"198.51.100.{n % 250}")
        await intake.post(visitor, comment_of(release_id, n))

    await post(-1)  # warm: connections, first-transaction costs
    commands.reset()
    seconds = await in_writers(count, post, writers)
    report = {
        "seconds": seconds,
        "comments_per_s": count / seconds,
        "db_commands_per_comment": commands.per(count),
        "db_commands_per_comment_by_collection": commands.per_collection(count),
        "db_ms_per_comment_by_collection": commands.ms_per_collection(count),
        "comments_per_transaction": count / max(1, commands.counts["commitTransaction"]),
    }
    assert await db["comments"].count_documents({}) == count + 1
    return report, db


async def raw_round(
    client: Any, commands: Commands, stored: Database, writers: int
) -> dict[str, Any]:
    documents = [d async for d in stored["comments"].find({}).sort("_id", 1)]
    db = await fresh_db(client, "raw")
    target = db["comments"]
    await target.insert_one(documents[0])  # warm, as the system's first comment
    rest = documents[1:]
    commands.reset()

    async def insert(n: int) -> None:
        await target.insert_one(rest[n])

    seconds = await in_writers(len(rest), insert, writers)
    return {
        "seconds": seconds,
        "comments_per_s": len(rest) / seconds,
        "db_commands_per_comment": commands.per(len(rest)),
    }


async def run(bootstrap: str, mongo_uri: str, events: int, rounds: int) -> dict[str, Any]:
    """``WRITERS`` (4) visitors at once."""
    return await run_with(mongo_uri, events, rounds, WRITERS)


async def run_many(bootstrap: str, mongo_uri: str, events: int, rounds: int) -> dict[str, Any]:
    """``MANY_WRITERS`` (32) visitors at once, and as many raw writers."""
    return await run_with(mongo_uri, events, rounds, MANY_WRITERS)


async def run_with(mongo_uri: str, events: int, rounds: int, writers: int) -> dict[str, Any]:
    # Accepting a comment ends at the outbox: no Kafka on this path.
    commands = Commands()
    client = make_client(mongo_uri, event_listeners=[commands])
    report: dict[str, Any] = {
        "benchmark": "P8 comments accepted per second",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "comments_per_round": events,
        "writers": writers,
        "rounds": [],
    }
    try:
        for _ in range(rounds):
            system, stored = await system_round(client, commands, events, writers)
            raw = await raw_round(client, commands, stored, writers)
            system["ratio"] = system["comments_per_s"] / raw["comments_per_s"]
            report["rounds"].append({"raw": raw, "system": system})
        rows = report["rounds"]
        report["median"] = {
            "raw_comments_per_s": statistics.median(r["raw"]["comments_per_s"] for r in rows),
            "system_comments_per_s": statistics.median(r["system"]["comments_per_s"] for r in rows),
            "ratio": statistics.median(r["system"]["ratio"] for r in rows),
            "db_commands_per_comment": statistics.median(
                r["system"]["db_commands_per_comment"]["total"] for r in rows
            ),
        }
    finally:
        for name in await client.list_database_names():
            if name.startswith("bench_p8_"):
                await client.drop_database(name)
        await client.close()
    return report
