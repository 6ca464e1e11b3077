"""``newsroom-dlq``: inspect and replay dead letters (the logic is in importable functions).

    newsroom-dlq list TOPIC [--limit N] [--pending] [--bootstrap HOST:PORT]
    newsroom-dlq replay TOPIC (--event-id ID [ID ...] | --all) [--bootstrap HOST:PORT]

``list`` prints offset, key, event id, type, tenant, reason, failed-at (and more) per dead
letter; ``replay`` prints the dead letters it put back. Exit status 1 when an event id asked for
is not among the pending dead letters.

TOPIC is the original topic or its ``.dlq`` topic. Output: one JSON object per line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from newsroom_shared.config import LOCAL_KAFKA
from newsroom_shared.dlq.listing import list_dead_letters
from newsroom_shared.dlq.replay import replay_dead_letters

DEFAULT_LIMIT = 100


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("topic", help="the original topic or its .dlq topic")
    common.add_argument(
        "--bootstrap",
        default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", LOCAL_KAFKA),
        help="Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS or %(default)s)",
    )
    parser = argparse.ArgumentParser(prog="newsroom-dlq", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    listing = commands.add_parser("list", parents=[common], help="print dead letters, oldest first")
    listing.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="at most N (0: all)")
    listing.add_argument("--pending", action="store_true", help="only those not replayed yet")

    replay = commands.add_parser(
        "replay", parents=[common], help="re-publish dead letters to their original topic"
    )
    chosen = replay.add_mutually_exclusive_group(required=True)
    chosen.add_argument(
        "--event-id",
        nargs="+",
        dest="event_ids",
        metavar="ID",
        default=[],
        help="the dead letters of these event ids",
    )
    chosen.add_argument(
        "--all", action="store_true", dest="replay_all", help="every pending dead letter"
    )
    return parser


async def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.command == "list":
        letters = await list_dead_letters(
            args.topic,
            bootstrap_servers=args.bootstrap,
            limit=args.limit or None,
            pending_only=args.pending,
        )
        for letter in letters:
            print(json.dumps(letter.as_json()), file=out)
        return 0
    report = await replay_dead_letters(
        args.topic,
        bootstrap_servers=args.bootstrap,
        event_ids=args.event_ids,
        replay_all=args.replay_all,
    )
    for letter in report.replayed:
        print(json.dumps(letter.as_json()), file=out)
    print(f"replayed {len(report.replayed)} dead letter(s)", file=sys.stderr)
    if report.not_found:
        print(
            f"not found among pending dead letters: {' '.join(report.not_found)}", file=sys.stderr
        )
        return 1
    return 0


async def main_async(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """The CLI for callers that already run an event loop (e.g. tests)."""
    return await run(build_parser().parse_args(argv), out or sys.stdout)


def main(argv: Sequence[str] | None = None) -> int:
    return asyncio.run(main_async(argv))


if __name__ == "__main__":
    sys.exit(main())
