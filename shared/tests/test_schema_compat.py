"""Committed JSON Schemas versus the contracts: breaking changes fail, stale files are named.

The checker itself is tested on small made-up schemas; then every contract is compared with its
committed schema in ``newsroom_shared/events/schemas``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar, Literal

import pytest
from pydantic import Field

from newsroom_shared.events import Event
from newsroom_shared.events.compat import SchemaChange, compare, is_breaking
from newsroom_shared.events.registry import ALL_EVENTS
from newsroom_shared.events.schema_tool import (
    BreakingChangeError,
    check,
    main,
    orphaned_topics,
    schema_of,
    status_of,
    write,
)

STRING: dict[str, Any] = {"type": "string"}
NULLABLE_STRING: dict[str, Any] = {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}


def obj(required: list[str], **properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "x-topic": "newsroom.thing.happened.v1",
        "x-ce-type": "io.newsroom.thing.happened.v1",
        "x-key": "thing_id",
    }


OLD = obj(["thing_id", "name"], thing_id=STRING, name=STRING, note=NULLABLE_STRING)


def breaking(changes: list[SchemaChange]) -> list[str]:
    return [f"{change.path}: {change.message}" for change in changes if change.breaking]


# The checker on made-up schemas.


def test_identical_schemas_have_no_changes() -> None:
    assert compare(OLD, json.loads(json.dumps(OLD))) == []


def test_removed_property_breaks() -> None:
    new = obj(["thing_id"], thing_id=STRING, note=NULLABLE_STRING)
    assert breaking(compare(OLD, new)) == ["$.name: property removed"]


def test_removed_optional_property_breaks() -> None:
    new = obj(["thing_id", "name"], thing_id=STRING, name=STRING)
    assert breaking(compare(OLD, new)) == ["$.note: property removed"]


def test_retyped_property_breaks() -> None:
    new = obj(["thing_id", "name"], thing_id=STRING, name={"type": "integer"}, note=NULLABLE_STRING)
    assert breaking(compare(OLD, new)) == ["$.name: type changed: 'string' -> 'integer'"]


def test_property_becoming_nullable_breaks() -> None:
    new = obj(["thing_id", "name"], thing_id=STRING, name=NULLABLE_STRING, note=NULLABLE_STRING)
    assert breaking(compare(OLD, new)) == ["$.name: type changed: string -> string | null"]


def test_nullable_property_becoming_non_null_breaks() -> None:
    new = obj(["thing_id", "name"], thing_id=STRING, name=STRING, note=STRING)
    assert breaking(compare(OLD, new)) == ["$.note: type changed: string | null -> string"]


def test_new_required_property_breaks() -> None:
    new = obj(
        ["thing_id", "name", "size"],
        thing_id=STRING,
        name=STRING,
        note=NULLABLE_STRING,
        size=STRING,
    )
    assert breaking(compare(OLD, new)) == ["$.size: new required property; old events lack it"]


def test_optional_property_becoming_required_breaks() -> None:
    new = obj(["thing_id", "name", "note"], thing_id=STRING, name=STRING, note=NULLABLE_STRING)
    assert breaking(compare(OLD, new)) == ["$.note: became required; old events may lack it"]


def test_new_optional_property_is_compatible() -> None:
    new = obj(
        ["thing_id", "name"],
        thing_id=STRING,
        name=STRING,
        note=NULLABLE_STRING,
        size={"type": "integer", "default": 0},
    )
    changes = compare(OLD, new)
    assert changes == [SchemaChange("$.size", "new optional property", breaking=False)]
    assert not is_breaking(changes)


def test_required_property_becoming_optional_is_compatible() -> None:
    new = obj(
        ["thing_id"], thing_id=STRING, name={"type": "string", "default": ""}, note=NULLABLE_STRING
    )
    assert not is_breaking(compare(OLD, new))
    assert SchemaChange("$.name", "became optional", breaking=False) in compare(OLD, new)


def test_changed_descriptions_are_compatible() -> None:
    new = json.loads(json.dumps(OLD))
    new["description"] = "A thing happened."
    new["properties"]["name"]["description"] = "The thing's name"
    changes = compare(OLD, new)
    assert [str(change) for change in changes] == [
        "compatible: $: description changed",
        "compatible: $.name: description changed",
    ]


@pytest.mark.parametrize("fact", ["x-topic", "x-ce-type", "x-key"])
def test_topic_facts_changes_break(fact: str) -> None:
    new = {**OLD, fact: "something.else"}
    assert breaking(compare(OLD, new)) == [f"{fact}: {OLD[fact]!r} -> 'something.else'"]


def test_narrowed_enum_breaks() -> None:
    old = obj([], kind={"type": "string", "enum": ["a", "b", "c"]})
    new = obj([], kind={"type": "string", "enum": ["a", "b"]})
    assert breaking(compare(old, new)) == [
        '$.kind: enum narrowed: "c" no longer allowed; old events fail'
    ]


def test_widened_enum_breaks_old_consumers() -> None:
    old = obj([], kind={"type": "string", "enum": ["a", "b"]})
    new = obj([], kind={"type": "string", "enum": ["a", "b", "c"]})
    assert breaking(compare(old, new)) == [
        '$.kind: enum widened: "c" new; consumers of the old contract reject them'
    ]


def test_single_literal_becoming_an_enum_is_compared_by_values() -> None:
    old = obj([], kind={"type": "string", "const": "a"})
    same = obj([], kind={"type": "string", "enum": ["a"]})
    assert compare(old, same) == []


def test_changed_constraint_breaks() -> None:
    old = obj([], score={"type": "number", "minimum": -1, "maximum": 1})
    new = obj([], score={"type": "number", "minimum": 0, "maximum": 1})
    assert breaking(compare(old, new)) == ["$.score: constraint 'minimum' changed: -1 -> 0"]


def test_changes_inside_referenced_models_and_arrays_are_found() -> None:
    def with_part(part: dict[str, Any]) -> dict[str, Any]:
        schema = obj([], parts={"type": "array", "items": {"$ref": "#/$defs/Part"}})
        return {**schema, "$defs": {"Part": part}}

    old = with_part({"type": "object", "title": "Part", "properties": {"a": STRING, "b": STRING}})
    new = with_part({"type": "object", "title": "Part", "properties": {"a": {"type": "integer"}}})
    assert sorted(breaking(compare(old, new))) == [
        "$.parts[].a: type changed: 'string' -> 'integer'",
        "$.parts[].b: property removed",
    ]


def test_a_real_model_gaining_an_optional_field_is_compatible() -> None:
    class Thing(Event):
        topic: ClassVar[str] = "newsroom.thing.happened.v1"
        ce_type: ClassVar[str] = "io.newsroom.thing.happened.v1"
        aggregate_field: ClassVar[str] = "thing_id"

        thing_id: str
        kind: Literal["a", "b"]

    class ThingWithNote(Thing):
        note: str | None = Field(default=None, description="Added later")

    class ThingWithNarrowKind(Thing):
        kind: Literal["a"]

    old = schema_of(Thing)
    assert breaking(compare(old, schema_of(ThingWithNote))) == []
    assert breaking(compare(old, schema_of(ThingWithNarrowKind))) == [
        '$.kind: enum narrowed: "b" no longer allowed; old events fail'
    ]


# The schema tool on a scratch directory.


class Gadget(Event):
    topic: ClassVar[str] = "newsroom.gadget.made.v1"
    ce_type: ClassVar[str] = "io.newsroom.gadget.made.v1"
    aggregate_field: ClassVar[str] = "gadget_id"

    gadget_id: str
    size: int


class GadgetWithColour(Gadget):
    colour: str = ""


class GadgetWithoutSize(Event):
    topic: ClassVar[str] = "newsroom.gadget.made.v1"
    ce_type: ClassVar[str] = "io.newsroom.gadget.made.v1"
    aggregate_field: ClassVar[str] = "gadget_id"

    gadget_id: str


def test_write_then_check_is_clean(tmp_path: Path) -> None:
    assert write([Gadget], tmp_path) == [tmp_path / "newsroom.gadget.made.v1.json"]
    assert check([Gadget], tmp_path) == []
    assert write([Gadget], tmp_path) == []  # nothing stale, nothing written


def test_compatible_change_asks_to_regenerate(tmp_path: Path) -> None:
    write([Gadget], tmp_path)
    [problem] = check([GadgetWithColour], tmp_path)
    assert "compatible change" in problem
    assert "schema_tool write" in problem
    assert "$.colour: new optional property" in problem
    write([GadgetWithColour], tmp_path)
    assert check([GadgetWithColour], tmp_path) == []


def test_breaking_change_is_refused_and_explained(tmp_path: Path) -> None:
    write([Gadget], tmp_path)
    [problem] = check([GadgetWithoutSize], tmp_path)
    assert "BREAKING" in problem
    assert ".v2 topic" in problem
    assert "$.size: property removed" in problem
    with pytest.raises(BreakingChangeError):
        write([GadgetWithoutSize], tmp_path)
    assert status_of(GadgetWithoutSize, tmp_path).breaking  # the file was left as it was
    write([GadgetWithoutSize], tmp_path, allow_breaking=True)
    assert check([GadgetWithoutSize], tmp_path) == []


def test_schema_without_contract_is_reported(tmp_path: Path) -> None:
    write([Gadget], tmp_path)
    assert orphaned_topics([], tmp_path) == ["newsroom.gadget.made.v1"]
    [problem] = check([], tmp_path)
    assert "without a contract" in problem


def test_missing_schema_is_reported(tmp_path: Path) -> None:
    [problem] = check([Gadget], tmp_path)
    assert "no committed schema" in problem


# The real contracts against their committed schemas.


@pytest.mark.parametrize("event_class", ALL_EVENTS, ids=lambda e: e.topic)
def test_contract_has_no_breaking_change(event_class: type[Event]) -> None:
    status = status_of(event_class)
    assert status.committed, status.explain()
    assert not status.breaking, status.explain()


@pytest.mark.parametrize("event_class", ALL_EVENTS, ids=lambda e: e.topic)
def test_committed_schema_is_current(event_class: type[Event]) -> None:
    """A compatible change still needs the committed file regenerated; the message says how."""
    status = status_of(event_class)
    assert status.current, status.explain()


def test_every_committed_schema_has_a_contract() -> None:
    assert orphaned_topics() == [], "\n".join(check())


def test_committed_schemas_carry_their_topic_facts() -> None:
    for event_class in ALL_EVENTS:
        schema = schema_of(event_class)
        assert (schema["x-topic"], schema["x-ce-type"], schema["x-key"]) == (
            event_class.topic,
            event_class.ce_type,
            event_class.aggregate_field,
        )
        assert event_class.aggregate_field in schema["required"]


def test_cli_check_passes_on_the_committed_schemas(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    assert "every committed schema is current" in capsys.readouterr().out
