"""Dead-letter tools against the real broker: list, replay after a fix, replay is recorded."""

from __future__ import annotations

import io
import json

import pytest

from newsroom_shared.config import ServiceSettings
from newsroom_shared.dlq import DeadLetterInfo, list_dead_letters, replay_dead_letters
from newsroom_shared.dlq.cli import main, main_async
from newsroom_shared.mongo import Database
from newsroom_testing.consumer import (
    ThingHappened,
    Things,
    eventually,
    fast_settings,
    produce_envelopes,
    running_subscription,
    thing_envelope,
    thing_event_on,
)
from newsroom_testing.infra import Infra

pytestmark = pytest.mark.connected


@pytest.fixture
def settings(infra: Infra, unique: str) -> ServiceSettings:
    return fast_settings(infra.kafka_bootstrap_servers, infra.mongodb_uri, f"test-{unique}")


@pytest.fixture
def event_class(run_id: str, unique: str) -> type[ThingHappened]:
    return thing_event_on(f"test.{run_id}.{unique}.dlq-things")


@pytest.fixture
async def things(database: Database) -> Things:
    await database.create_collection("effects")
    return Things(database)


async def pending(infra: Infra, topic: str, count: int) -> list[DeadLetterInfo]:
    letters = await list_dead_letters(
        topic, bootstrap_servers=infra.kafka_bootstrap_servers, pending_only=True
    )
    return letters if len(letters) == count else []


async def test_replay_after_a_fix_applies_the_dead_letters_once(
    infra: Infra,
    settings: ServiceSettings,
    event_class: type[ThingHappened],
    things: Things,
) -> None:
    bootstrap = infra.kafka_bootstrap_servers
    topic = event_class.topic
    bug_1, bug_2 = (thing_envelope(event_class, t, "tenant-a") for t in ("bug-1", "bug-2"))
    ok = thing_envelope(event_class, "ok", "tenant-b")
    things.always_fail.update({"bug-1", "bug-2"})
    await produce_envelopes(bootstrap, [bug_1, ok, bug_2])

    async with running_subscription(settings, event_class, things, things.db, "things"):
        await eventually(lambda: pending(infra, topic, 2))
        await eventually(lambda: things.effects(thing_id="ok"))

        out = io.StringIO()
        assert await main_async(["list", topic, "--bootstrap", bootstrap], out) == 0
        listed = [json.loads(line) for line in out.getvalue().splitlines()]
        assert {letter["event_id"] for letter in listed} == {bug_1.id, bug_2.id}
        assert {letter["reason"] for letter in listed} == {
            "handler bug on bug-1",
            "handler bug on bug-2",
        }
        assert all(letter["tenant_id"] == "tenant-a" for letter in listed)
        assert all(letter["type"] == event_class.ce_type for letter in listed)
        assert all(letter["failed_at"] and not letter["replayed"] for letter in listed)

        things.always_fail.clear()  # the bug is fixed and deployed

        # One chosen event, through the CLI.
        replay = ["replay", topic, "--event-id", bug_2.id, "--bootstrap", bootstrap]
        out = io.StringIO()
        assert await main_async(replay, out) == 0
        replayed = [json.loads(line) for line in out.getvalue().splitlines()]
        assert [letter["event_id"] for letter in replayed] == [bug_2.id]
        await eventually(lambda: things.effects(thing_id="bug-2"))

        # Then the rest.
        report = await replay_dead_letters(topic, bootstrap_servers=bootstrap, replay_all=True)
        assert bug_1.id in {letter.event_id for letter in report.replayed}
        await eventually(lambda: things.effects(thing_id="bug-1"))

        # Nothing new the second time; everything listed as replayed.
        again = await replay_dead_letters(topic, bootstrap_servers=bootstrap, replay_all=True)
        assert again.replayed == []
        letters = await list_dead_letters(topic, bootstrap_servers=bootstrap)
        assert [letter.replayed for letter in letters] == [True, True]
        assert await pending(infra, topic, 0) == []

        # The original event went to the topic without x-dlq headers and applied once only,
        # even if bug-2 was put back twice (its partition's first dead letter was bug-1).
        await eventually(lambda: _total_calls_settled(things))

    assert await things.effects(thing_id="bug-1") == 1
    assert await things.effects(thing_id="bug-2") == 1
    assert await things.effects() == 3
    assert len(await list_dead_letters(topic, bootstrap_servers=bootstrap)) == 2  # no new ones


def test_replaying_an_unknown_event_id_says_so(
    infra: Infra, event_class: type[ThingHappened], capsys: pytest.CaptureFixture[str]
) -> None:
    bootstrap = infra.kafka_bootstrap_servers
    code = main(["replay", event_class.topic, "--bootstrap", bootstrap, "--event-id", "nope"])
    assert code == 1
    assert "nope" in capsys.readouterr().err


async def _total_calls_settled(things: Things) -> bool:
    return await things.db.inbox.count_documents({}) == 3
