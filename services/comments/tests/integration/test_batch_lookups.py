"""The batch's lookups on the real database, for a batch that mixes tenants: each tenant's
part of a query matches that tenant's documents only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from comments.adapters.mongo.bans import MongoBans
from comments.adapters.mongo.comments import MongoComments
from comments.adapters.mongo.indexes import ensure_indexes
from comments.domain.batch import Author, TextPlace, TextProbe
from comments.domain.comment import Comment, Place, Status
from comments.domain.markup import sanitise
from comments.domain.moderation import Ban, BanKind
from newsroom_shared.mongo import Database
from newsroom_testing.fixtures import drop_test_database

pytestmark = pytest.mark.connected

TEXT = "The same words in two tenants, long enough to compare"


@pytest.fixture
async def db(mongo_client: Any, unique: str) -> AsyncIterator[Database]:
    name = f"test_comments_lookups_{unique}"
    database: Database = mongo_client[name]
    await ensure_indexes(database)
    try:
        yield database
    finally:
        await drop_test_database(mongo_client, name)


def comment(n: int, tenant: str, release: str, email_hash: str, status: Status) -> Comment:
    return Comment(
        id=f"{tenant}-{n}",
        tenant_id=tenant,
        release_id=release,
        newsroom_id="n1",
        place=Place(),
        author_name="Jane",
        email="jane@example.org",
        email_hash=email_hash,
        client_hash="c",
        body=sanitise(TEXT),
        status=status,
        posted_at=datetime.now(UTC),
    )


async def test_lookups_of_a_batch_of_two_tenants_stay_in_each_tenant(db: Database) -> None:
    comments = MongoComments(db)
    await comments.add_all(
        [
            comment(1, "A", "rA", "h1", Status.approved),
            comment(2, "A", "rA", "h1", Status.approved),
            comment(3, "A", "rA", "h2", Status.pending),
        ]
    )
    # The same author digest and newsroom id in B, none approved there.
    await comments.add_all([comment(1, "B", "rB", "h1", Status.pending)])
    counts = await comments.approved_counts(
        [Author("A", "n1", "h1"), Author("B", "n1", "h1"), Author("A", "n1", "h2")]
    )
    assert counts == {Author("A", "n1", "h1"): 2}

    digest = sanitise(TEXT).digest
    places = await comments.places_of(
        [TextProbe("A", digest, "rA2", "h9"), TextProbe("B", digest, "rB2", "h1")]
    )
    # A's probe names a release and author with no such text in A: nothing of A's. B's probe
    # finds B's own comment by the author, and nothing of A's though A has the text by h1.
    assert set(places) == {TextPlace("B", digest, "rB", "h1")}

    bans = MongoBans(db)
    await bans.put(Ban("A", BanKind.email, "h1", "abuse", datetime.now(UTC), "key"))
    found = await bans.banned_among([("A", "email:h1"), ("B", "email:h1"), ("B", "client:c")])
    assert found == {("A", "email:h1")}
