"""Is a new JSON Schema of an event contract compatible with the committed one?

Our consumers validate events with the contract they were built against, and a topic holds
events written under older contracts, so a change must keep both directions working: events of
the new schema must pass the old one (old consumers) and old events must pass the new one
(replays, consumers upgraded first). What passes both ways: new optional properties, a required
property becoming optional, and changed annotations (titles, descriptions, defaults). Anything
else (a removed or retyped property, a new required one, a changed enum, a tighter or looser
constraint, a new topic, type or key) breaks someone and needs a new ``.v2`` topic.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

Schema = Mapping[str, Any]

# Facts about the topic, stored next to the model schema (see schema_tool.schema_of).
TOPIC_FACTS = ("x-topic", "x-ce-type", "x-key")
# Keywords that only describe: a change to them never makes a valid event invalid.
ANNOTATIONS = frozenset(
    {"title", "description", "default", "examples", "deprecated", "$comment", "$schema", "$id"}
)
# Keywords compared by structure rather than as a whole.
STRUCTURE = frozenset({"properties", "required", "items", "anyOf", "$defs", *TOPIC_FACTS})


@dataclass(frozen=True, slots=True)
class SchemaChange:
    """One difference between two schemas, where it is and whether it breaks a consumer."""

    path: str
    message: str
    breaking: bool

    def __str__(self) -> str:
        kind = "BREAKING" if self.breaking else "compatible"
        return f"{kind}: {self.path}: {self.message}"


def compare(old: Schema, new: Schema) -> list[SchemaChange]:
    """Every difference from ``old`` (committed) to ``new`` (generated), breaking ones flagged."""
    changes = [
        SchemaChange(fact, f"{old.get(fact)!r} -> {new.get(fact)!r}", breaking=True)
        for fact in TOPIC_FACTS
        if old.get(fact) != new.get(fact)
    ]
    changes.extend(_compare(inline_refs(old), inline_refs(new), path="$"))
    return changes


def is_breaking(changes: list[SchemaChange]) -> bool:
    return any(change.breaking for change in changes)


def inline_refs(schema: Schema) -> Schema:
    """The schema with every local ``$ref`` to ``$defs`` replaced by its target."""
    definitions: Mapping[str, Any] = schema.get("$defs", {})

    def resolve(node: Any, seen: frozenset[str]) -> Any:
        if isinstance(node, list):
            return [resolve(item, seen) for item in node]
        if not isinstance(node, Mapping):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            name = ref.removeprefix("#/$defs/")
            if name in seen:  # a recursive model: compare the reference itself
                return dict(node)
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            return resolve({**definitions[name], **siblings}, seen | {name})
        return {key: resolve(value, seen) for key, value in node.items() if key != "$defs"}

    resolved: Schema = resolve(schema, frozenset())
    return resolved


def _compare(old: Schema, new: Schema, path: str) -> Iterator[SchemaChange]:
    yield from _annotations(old, new, path)
    if "anyOf" in old or "anyOf" in new:
        yield from _union(old, new, path)
        return
    yield from _keywords(old, new, path)
    if "properties" in old or "properties" in new:
        yield from _object(old, new, path)
    if isinstance(old.get("items"), Mapping) and isinstance(new.get("items"), Mapping):
        yield from _compare(old["items"], new["items"], f"{path}[]")
    elif old.get("items") != new.get("items"):
        yield _retyped(path, old, new)


def _annotations(old: Schema, new: Schema, path: str) -> Iterator[SchemaChange]:
    for keyword in sorted(ANNOTATIONS):
        if old.get(keyword) != new.get(keyword):
            yield SchemaChange(path, f"{keyword} changed", breaking=False)


def _keywords(old: Schema, new: Schema, path: str) -> Iterator[SchemaChange]:
    """Type and constraint keywords: any difference changes which events are valid."""
    old_values, new_values = _allowed_values(old), _allowed_values(new)
    if old_values != new_values:
        yield from _enum(old_values, new_values, path)
    skip = ANNOTATIONS | STRUCTURE | {"enum", "const"}
    for keyword in sorted((old.keys() | new.keys()) - skip):
        if old.get(keyword) != new.get(keyword):
            what = "type" if keyword == "type" else f"constraint {keyword!r}"
            yield SchemaChange(
                path, f"{what} changed: {old.get(keyword)!r} -> {new.get(keyword)!r}", True
            )


def _allowed_values(schema: Schema) -> frozenset[str] | None:
    """The enum or const of a schema as comparable JSON texts; None when it has neither."""
    if "const" in schema:
        return frozenset({json.dumps(schema["const"])})
    if "enum" in schema:
        return frozenset(json.dumps(value) for value in schema["enum"])
    return None


def _enum(
    old: frozenset[str] | None, new: frozenset[str] | None, path: str
) -> Iterator[SchemaChange]:
    if old is None or new is None:
        yield SchemaChange(path, "became or stopped being a fixed set of values", True)
        return
    if removed := old - new:
        yield SchemaChange(
            path, f"enum narrowed: {_values(removed)} no longer allowed; old events fail", True
        )
    if added := new - old:
        yield SchemaChange(
            path,
            f"enum widened: {_values(added)} new; consumers of the old contract reject them",
            True,
        )


def _values(values: frozenset[str]) -> str:
    return ", ".join(sorted(values))


def _object(old: Schema, new: Schema, path: str) -> Iterator[SchemaChange]:
    old_props: Mapping[str, Schema] = old.get("properties", {})
    new_props: Mapping[str, Schema] = new.get("properties", {})
    old_required, new_required = set(old.get("required", ())), set(new.get("required", ()))
    for name in old_props.keys() - new_props.keys():
        yield SchemaChange(f"{path}.{name}", "property removed", breaking=True)
    for name in new_props.keys() - old_props.keys():
        if name in new_required:
            yield SchemaChange(f"{path}.{name}", "new required property; old events lack it", True)
        else:
            yield SchemaChange(f"{path}.{name}", "new optional property", breaking=False)
    for name in sorted(old_props.keys() & new_props.keys()):
        if name in new_required and name not in old_required:
            yield SchemaChange(f"{path}.{name}", "became required; old events may lack it", True)
        elif name in old_required and name not in new_required:
            yield SchemaChange(f"{path}.{name}", "became optional", breaking=False)
        yield from _compare(old_props[name], new_props[name], f"{path}.{name}")


def _union(old: Schema, new: Schema, path: str) -> Iterator[SchemaChange]:
    """``X | None`` and other unions: the same branches must remain, compared pairwise."""
    old_branches, new_branches = _branches(old), _branches(new)
    if old_branches is None or new_branches is None or old_branches.keys() != new_branches.keys():
        yield _retyped(path, old, new)
        return
    yield from _keywords(old, new, path)
    for key in sorted(old_branches):
        yield from _compare(old_branches[key], new_branches[key], path)


def _branches(schema: Schema) -> dict[str, Schema] | None:
    """The branches of a union by their kind; None when two branches share one kind."""
    branches: list[Schema] = schema.get("anyOf", [schema])
    by_kind = {_kind(branch): branch for branch in branches}
    return by_kind if len(by_kind) == len(branches) else None


def _kind(schema: Schema) -> str:
    kind = str(schema.get("type", "any"))
    return f"{kind}:{schema['title']}" if kind == "object" and "title" in schema else kind


def _retyped(path: str, old: Schema, new: Schema) -> SchemaChange:
    return SchemaChange(path, f"type changed: {_shape(old)} -> {_shape(new)}", breaking=True)


def _shape(schema: Schema) -> str:
    if "anyOf" in schema:
        return " | ".join(_shape(branch) for branch in schema["anyOf"])
    if "items" in schema:
        return f"array of {_shape(schema['items'])}"
    return _kind(schema)
