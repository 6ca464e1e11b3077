"""The cache of the public thread and count on the real servers: a kept answer costs no
database command, and every change to what it shows (a new comment, a moderator's decision, a
reaction, settings) reaches the next request at once on the replica that made it and within a
poll on another; one tenant's changes never touch another's answers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from pymongo import monitoring

from comments.config import CommentsSettings
from comments.entrypoints.http.thread_cache import LOOKUPS
from comments.service.releases import release_withdrawn
from newsroom_shared.events.publisher import ReleaseWithdrawn
from newsroom_testing.clock import FakeClock
from newsroom_testing.consumer import eventually
from newsroom_testing.fixtures import drop_test_database

from .conftest import (
    A,
    B,
    comment_body,
    comments_of,
    known_release,
    ok,
    post_mode,
    published,
    running,
    staff,
)

pytestmark = pytest.mark.connected

# Commands of the app's loops, not of a request: the outbox relay, the mail loop, the poll.
BACKGROUND = {"outbox", "leases", "mail_outbox", "page_versions", "-"}


class RequestCommands(monitoring.CommandListener):
    """Counts the commands sent to one database, outside the background loops' collections.
    Registered once for the process (PyMongo has no way to take a listener back); counts
    only while a test asks it to."""

    def __init__(self) -> None:
        self.database: str | None = None
        self.seen: Counter[str] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.database_name != self.database:
            return
        collection = event.command.get(event.command_name)
        name = collection if isinstance(collection, str) else "-"
        if name not in BACKGROUND:
            self.seen[f"{event.command_name} {name}"] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None: ...

    def failed(self, event: monitoring.CommandFailedEvent) -> None: ...


COMMANDS = RequestCommands()
monitoring.register(COMMANDS)  # before any app's client is made: every client sees it


def lookups(outcome: str) -> float:
    return LOOKUPS.labels(outcome)._value.get()


async def commands_of(database: str, call: Callable[[], Awaitable[Any]]) -> Counter[str]:
    COMMANDS.database, COMMANDS.seen = database, Counter()
    try:
        await call()
    finally:
        COMMANDS.database = None
    return COMMANDS.seen


async def open_thread(api: httpx.AsyncClient, tenant: str = A, **settings: Any) -> str:
    event = await known_release(api, published(tenant))
    await post_mode(api, tenant, event.newsroom_id, **settings)
    return event.release_id


def thread_url(release_id: str) -> str:
    return f"/v1/public/releases/{release_id}/comments"


def count_url(release_id: str) -> str:
    return f"/v1/public/releases/{release_id}/comment-count"


def texts(thread: dict[str, Any]) -> list[str]:
    """Every shown comment's HTML, replies after their parent."""
    out: list[str] = []

    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            out.append(item["body_html"])
            walk(item["replies"])

    walk(thread["items"])
    return out


async def test_a_kept_answer_costs_no_database_command_in_any_variant(
    api: httpx.AsyncClient, settings: CommentsSettings
) -> None:
    release = await open_thread(api)
    url = thread_url(release)
    root = await ok(api, "POST", url, 201, json=comment_body("The first comment here"))
    await ok(api, "POST", url, 201, json=comment_body("A reply to it", parent_id=root["id"]))
    await ok(api, "POST", url, 201, json=comment_body("The second comment here"))
    variants = [
        {},
        {"order": "oldest"},
        {"limit": 1},
        {"limit": 1, "cursor": (await ok(api, "GET", url, params={"limit": 1}))["next_cursor"]},
    ]
    first = [await api.get(url, params=params) for params in variants]
    first_count = await api.get(count_url(release))
    hits_before = lookups("hit")
    again: list[httpx.Response] = []

    async def read_all_again() -> None:
        again.extend([await api.get(url, params=params) for params in variants])
        again.append(await api.get(count_url(release)))

    spent = await commands_of(settings.database_name, read_all_again)

    assert spent == Counter()
    assert lookups("hit") == hits_before + len(variants) + 1
    assert [a.content for a in again] == [f.content for f in [*first, first_count]]
    assert [len(f.json()["items"]) for f in first] == [2, 2, 1, 1]
    assert texts(first[3].json()) == ["The first comment here", "A reply to it"]
    assert first_count.json() == {"release_id": release, "visible": 3, "open": True}
    from_a_blog = await api.get(url, headers={"Origin": "https://blog.example"})
    assert from_a_blog.headers["access-control-allow-origin"] == "*"  # CORS wraps a hit too
    assert from_a_blog.content == first[0].content


async def test_a_new_comment_a_reaction_and_a_decision_show_at_once_here(
    api: httpx.AsyncClient,
) -> None:
    release = await open_thread(api)
    url = thread_url(release)
    shown = await ok(api, "POST", url, 201, json=comment_body("Shown at once, post mode"))
    assert texts(await ok(api, "GET", url)) == ["Shown at once, post mode"]
    assert (await ok(api, "GET", count_url(release)))["visible"] == 1

    await ok(api, "POST", url, 201, json=comment_body("A second comment, also shown"))
    assert len((await ok(api, "GET", url))["items"]) == 2
    assert (await ok(api, "GET", count_url(release)))["visible"] == 2

    await ok(api, "POST", f"{url}/{shown['id']}/reactions", json={"kind": "like"})
    [_, first] = (await ok(api, "GET", url))["items"]
    assert first["reactions"] == {"like": 1}

    await ok(
        api,
        "POST",
        f"/v1/comments/{shown['id']}/decisions",
        json={"decision": "hidden", "reason": "off topic"},
        headers=staff(A),
    )
    assert texts(await ok(api, "GET", url)) == ["A second comment, also shown"]
    assert (await ok(api, "GET", count_url(release)))["visible"] == 1


async def test_a_held_comment_shows_once_a_moderator_approves_it(api: httpx.AsyncClient) -> None:
    event = await known_release(api, published(A))  # pre-moderation: the default
    url = thread_url(event.release_id)
    held = await ok(api, "POST", url, 201, json=comment_body("Waiting for a moderator"))
    assert held["status"] == "pending"
    for _ in range(2):  # rendered, then kept
        assert (await ok(api, "GET", url))["items"] == []

    await ok(
        api,
        "POST",
        f"/v1/comments/{held['id']}/decisions",
        json={"decision": "approved", "reason": ""},
        headers=staff(A),
    )

    assert texts(await ok(api, "GET", url)) == ["Waiting for a moderator"]


async def test_closing_the_period_in_the_settings_shows_in_the_count_at_once(
    api: httpx.AsyncClient, clock: FakeClock
) -> None:
    event = await known_release(api, published(A, published_at=clock.now()))
    await post_mode(api, A, event.newsroom_id)
    for _ in range(2):
        assert (await ok(api, "GET", count_url(event.release_id)))["open"] is True
    clock.advance(3 * 86_400)

    await post_mode(api, A, event.newsroom_id, open_days=1)

    assert (await ok(api, "GET", count_url(event.release_id)))["open"] is False


async def test_one_tenants_changes_leave_anothers_answers_kept_and_apart(
    api: httpx.AsyncClient,
) -> None:
    a_release, b_release = await open_thread(api, A), await open_thread(api, B)
    await ok(api, "POST", thread_url(a_release), 201, json=comment_body("Tenant A speaks up"))
    await ok(api, "POST", thread_url(b_release), 201, json=comment_body("Tenant B speaks up"))
    b_first = await api.get(thread_url(b_release))
    await api.get(thread_url(a_release))

    await ok(api, "POST", thread_url(a_release), 201, json=comment_body("Tenant A again here"))
    hits_before = lookups("hit")
    b_again = await api.get(thread_url(b_release))
    a_again = await ok(api, "GET", thread_url(a_release))

    assert lookups("hit") == hits_before + 1  # B's answer was still good; A's was not
    assert b_again.content == b_first.content
    assert texts(b_again.json()) == ["Tenant B speaks up"]
    assert sorted(texts(a_again)) == ["Tenant A again here", "Tenant A speaks up"]


async def test_another_replica_shows_a_change_within_its_poll(
    settings: CommentsSettings, clock: FakeClock, mongo_client: Any
) -> None:
    quick = settings.model_copy(update={"page_cache_poll_interval_s": 0.1})
    try:
        async with running(quick, clock) as one, running(quick, clock) as other:
            release = await open_thread(one)
            url = thread_url(release)
            posted = await ok(one, "POST", url, 201, json=comment_body("Seen on both replicas"))
            for _ in range(2):  # rendered on the other replica, then kept there
                assert texts(await ok(other, "GET", url)) == ["Seen on both replicas"]

            await ok(one, "POST", f"{url}/{posted['id']}/reactions", json={"kind": "insightful"})

            async def other_shows_the_reaction() -> bool:
                [item] = (await ok(other, "GET", url))["items"]
                return bool(item["reactions"] == {"insightful": 1})

            await eventually(other_shows_the_reaction, "reaction there", timeout_s=10)

            await ok(
                one,
                "POST",
                f"/v1/comments/{posted['id']}/decisions",
                json={"decision": "hidden", "reason": "spam"},
                headers=staff(A),
            )

            async def other_hides_it() -> bool:
                return bool((await ok(other, "GET", url))["items"] == [])

            await eventually(other_hides_it, "decision there", timeout_s=10)
    finally:
        await drop_test_database(mongo_client, settings.database_name)


async def test_a_withdrawal_applied_by_another_replica_shows_within_its_poll(
    settings: CommentsSettings, clock: FakeClock, mongo_client: Any
) -> None:
    # A read cache far longer than the test: the thread must not wait for it to expire.
    quick = settings.model_copy(
        update={"page_cache_poll_interval_s": 0.1, "read_cache_ttl_s": 600.0}
    )
    try:
        async with running(quick, clock) as one, running(quick, clock) as other:
            release = await open_thread(one)
            url = thread_url(release)
            await ok(one, "POST", url, 201, json=comment_body("Soon withdrawn, with its release"))
            for _ in range(2):  # read on the other replica, then kept there
                assert len((await ok(other, "GET", url))["items"]) == 1
            stored = await comments_of(one).reader().releases.get(A, release)
            assert stored is not None

            async with comments_of(one).uow() as uow:  # as the withdrawal's consumer does
                await release_withdrawn(
                    uow,
                    ReleaseWithdrawn(
                        tenant_id=A,
                        release_id=release,
                        newsroom_id=stored.newsroom_id,
                        withdrawn_at=clock.now(),
                    ),
                )

            async def other_answers_404() -> bool:
                return (await other.get(url)).status_code == 404

            await eventually(other_answers_404, "withdrawal there", timeout_s=10)
    finally:
        await drop_test_database(mongo_client, settings.database_name)


async def test_without_a_cache_every_read_goes_to_the_database(
    settings: CommentsSettings, clock: FakeClock, mongo_client: Any
) -> None:
    off = settings.model_copy(update={"page_cache_max_bytes": 0})
    try:
        async with running(off, clock) as api:
            release = await open_thread(api)
            await ok(api, "POST", thread_url(release), 201, json=comment_body("No cache here"))
            await api.get(thread_url(release))

            async def read() -> None:
                assert texts(await ok(api, "GET", thread_url(release))) == ["No cache here"]

            spent = await commands_of(settings.database_name, read)
    finally:
        await drop_test_database(mongo_client, settings.database_name)

    assert spent == Counter({"aggregate comments": 1})  # one query for roots and replies
