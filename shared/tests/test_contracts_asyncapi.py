"""docs/asyncapi.yaml and docs/events.md stay true to the contracts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from newsroom_shared.consumer.table import all_tables
from newsroom_shared.events import Event
from newsroom_shared.events.asyncapi import document, main, render, topics_table, with_topics_table
from newsroom_shared.events.envelope import REQUIRED_HEADERS
from newsroom_shared.events.registry import ALL_EVENTS, producer_of

ROOT = Path(__file__).resolve().parents[2]
ASYNCAPI = ROOT / "docs" / "asyncapi.yaml"
GUIDE = ROOT / "docs" / "events.md"


@pytest.fixture(scope="module")
def generated() -> dict[str, Any]:
    return document()


def test_committed_asyncapi_is_what_the_contracts_generate() -> None:
    assert ASYNCAPI.read_text(encoding="utf-8") == render(), (
        "docs/asyncapi.yaml is stale: run `uv run python -m newsroom_shared.events.asyncapi write`"
    )


def test_rendering_is_stable() -> None:
    assert render() == render()


def test_document_is_asyncapi_3(generated: dict[str, Any]) -> None:
    assert generated["asyncapi"] == "3.0.0"
    assert yaml.safe_load(render()) == generated


@pytest.mark.parametrize("event_class", ALL_EVENTS, ids=lambda e: e.__name__)
def test_every_topic_is_a_documented_channel(
    generated: dict[str, Any], event_class: type[Event]
) -> None:
    channel = generated["channels"][event_class.__name__]
    assert channel["address"] == event_class.topic
    assert event_class.ce_type in channel["description"]
    assert generated["operations"][event_class.__name__]["action"] == "send"


@pytest.mark.parametrize("event_class", ALL_EVENTS, ids=lambda e: e.__name__)
def test_messages_document_the_envelope(
    generated: dict[str, Any], event_class: type[Event]
) -> None:
    message = generated["components"]["messages"][f"{event_class.__name__}:Message"]
    headers = message["headers"]
    assert set(REQUIRED_HEADERS) <= set(headers["properties"])
    assert headers["properties"]["ce_type"]["const"] == event_class.ce_type
    assert event_class.aggregate_field in message["bindings"]["kafka"]["key"]["description"]
    assert "correlationId" not in message  # we send no correlation_id header


@pytest.mark.parametrize("event_class", ALL_EVENTS, ids=lambda e: e.__name__)
def test_payload_schema_has_every_field(
    generated: dict[str, Any], event_class: type[Event]
) -> None:
    payload = generated["components"]["schemas"][event_class.__name__]
    assert set(payload["properties"]) == set(event_class.model_fields)
    assert set(payload["required"]) == {
        name for name, field in event_class.model_fields.items() if field.is_required()
    }


def test_cli_check_passes_on_the_committed_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--output", str(ASYNCAPI), "--guide", str(GUIDE)]) == 0
    assert "are current" in capsys.readouterr().out


def test_cli_check_fails_on_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "asyncapi.yaml"
    stale.write_text("asyncapi: 3.0.0\n", encoding="utf-8")
    assert main(["check", "--output", str(stale), "--guide", str(GUIDE)]) == 1


def test_committed_guide_table_is_what_the_tables_generate() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    assert with_topics_table(guide, topics_table()) == guide, (
        "docs/events.md is stale: run `uv run python -m newsroom_shared.events.asyncapi write`"
    )


def test_every_consumer_of_every_service_is_a_receive_operation(
    generated: dict[str, Any],
) -> None:
    consumers = all_tables()
    assert {c.service for c in consumers} >= {"publisher", "distribution"}
    for consumer in consumers:
        operation = generated["operations"][f"{consumer.service}.{consumer.name}"]
        assert operation["action"] == "receive"
        assert operation["channel"] == {"$ref": f"#/channels/{consumer.event.__name__}"}
        group = operation["bindings"]["kafka"]["groupId"]["enum"]
        assert group == [f"newsroom-{consumer.service}.{consumer.name}"]


@pytest.mark.parametrize("event_class", ALL_EVENTS, ids=lambda e: e.__name__)
def test_guide_lists_every_topic(event_class: type[Event]) -> None:
    """The topics table of docs/events.md: topic, type, key, producer, contract, consumers."""
    row = next(
        (
            line
            for line in GUIDE.read_text(encoding="utf-8").splitlines()
            if f"`{event_class.topic}`" in line
        ),
        None,
    )
    assert row is not None, f"docs/events.md has no row for {event_class.topic}"
    cells = [cell.strip().strip("`") for cell in row.strip().strip("|").split("|")]
    assert cells[:5] == [
        event_class.topic,
        event_class.ce_type,
        event_class.aggregate_field,
        producer_of(event_class),
        event_class.__name__,
    ]
    for consumer in all_tables():
        assert (consumer.event is event_class) == (f"`{consumer.name}`" in cells[5])
