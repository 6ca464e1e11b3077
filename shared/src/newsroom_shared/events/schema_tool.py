"""The committed JSON Schemas of the event contracts: generate, write, check.

One file per topic in ``events/schemas/<topic>.json``: the contract's JSON Schema plus the topic
facts (``x-topic``, ``x-ce-type``, ``x-key``). Outside consumers read these files; the tests
compare them with the models, so a breaking change cannot slip through unnoticed.

    uv run python -m newsroom_shared.events.schema_tool check
    uv run python -m newsroom_shared.events.schema_tool write [--allow-breaking]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsroom_shared.events.base import Event
from newsroom_shared.events.compat import SchemaChange, compare, is_breaking
from newsroom_shared.events.registry import ALL_EVENTS

SCHEMA_DIR = Path(__file__).parent / "schemas"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
WRITE_COMMAND = "uv run python -m newsroom_shared.events.schema_tool write"


def schema_of(event: type[Event]) -> dict[str, Any]:
    """The JSON Schema a consumer validates ``event`` data with, plus its topic facts."""
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        **event.model_json_schema(),
        "x-topic": event.topic,
        "x-ce-type": event.ce_type,
        "x-key": event.aggregate_field,
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def schema_path(topic: str, directory: Path = SCHEMA_DIR) -> Path:
    return directory / f"{topic}.json"


def load_committed(topic: str, directory: Path = SCHEMA_DIR) -> dict[str, Any] | None:
    path = schema_path(topic, directory)
    if not path.exists():
        return None
    committed: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return committed


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    """How the committed schema of one topic relates to its contract."""

    topic: str
    committed: bool
    current: bool
    changes: list[SchemaChange] = field(default_factory=list)

    @property
    def breaking(self) -> bool:
        return is_breaking(self.changes)

    def explain(self) -> str:
        """What the developer should do about this topic, with every change listed."""
        if self.current:
            return f"{self.topic}: committed schema is current"
        if not self.committed:
            return f"{self.topic}: no committed schema (new contract?): run `{WRITE_COMMAND}`"
        listed = "\n".join(f"  - {change}" for change in self.changes)
        if self.breaking:
            return (
                f"{self.topic}: BREAKING change; consumers of this topic would fail. Keep the "
                f"contract as it was and publish the new shape under a new .v2 topic "
                f"(a new class).\n{listed}"
            )
        return (
            f"{self.topic}: compatible change (no consumer breaks); regenerate the committed "
            f"schema with `{WRITE_COMMAND}`.\n{listed}"
        )


def status_of(event: type[Event], directory: Path = SCHEMA_DIR) -> SchemaStatus:
    committed = load_committed(event.topic, directory)
    generated = schema_of(event)
    if committed is None:
        return SchemaStatus(event.topic, committed=False, current=False)
    return SchemaStatus(
        event.topic,
        committed=True,
        current=committed == generated,
        changes=compare(committed, generated),
    )


def orphaned_topics(
    events: Sequence[type[Event]] = ALL_EVENTS, directory: Path = SCHEMA_DIR
) -> list[str]:
    """Topics with a committed schema but no contract: their consumers lost their producer."""
    known = {event.topic for event in events}
    return sorted(p.stem for p in directory.glob("*.json") if p.stem not in known)


class BreakingChangeError(RuntimeError):
    """Writing would overwrite a committed schema with an incompatible one."""


def write(
    events: Sequence[type[Event]] = ALL_EVENTS,
    directory: Path = SCHEMA_DIR,
    *,
    allow_breaking: bool = False,
) -> list[Path]:
    """Write every stale schema; refuses (writing nothing) when one change is breaking."""
    stale = [status for status in (status_of(e, directory) for e in events) if not status.current]
    breaking = [status for status in stale if status.breaking]
    if breaking and not allow_breaking:
        raise BreakingChangeError("\n".join(status.explain() for status in breaking))
    directory.mkdir(parents=True, exist_ok=True)
    by_topic = {event.topic: event for event in events}
    written = []
    for status in stale:
        path = schema_path(status.topic, directory)
        path.write_text(render(schema_of(by_topic[status.topic])), encoding="utf-8")
        written.append(path)
    return written


def check(events: Sequence[type[Event]] = ALL_EVENTS, directory: Path = SCHEMA_DIR) -> list[str]:
    """One explanation per problem; an empty list means every committed schema is current."""
    problems = [s.explain() for s in (status_of(e, directory) for e in events) if not s.current]
    problems.extend(
        f"{topic}: committed schema without a contract; its consumers would get nothing. "
        "Restore the contract, or delete the file once no consumer reads the topic."
        for topic in orphaned_topics(events, directory)
    )
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsroom_shared.events.schema_tool")
    commands = parser.add_subparsers(dest="command", required=True)
    writer = commands.add_parser("write", help="regenerate the committed schemas")
    writer.add_argument(
        "--allow-breaking", action="store_true", help="overwrite even on breaking changes"
    )
    commands.add_parser("check", help="exit 1 when a committed schema is stale")
    args = parser.parse_args(argv)
    if args.command == "check":
        problems = check()
        print("\n".join(problems) or "every committed schema is current")
        return 1 if problems else 0
    try:
        written = write(allow_breaking=args.allow_breaking)
    except BreakingChangeError as error:
        print(f"{error}\nNothing written (--allow-breaking overrides).", file=sys.stderr)
        return 1
    print("\n".join(f"wrote {path}" for path in written) or "every committed schema is current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
