"""A console consumer: prints a topic's events as one JSON object per line.

``python -m newsroom_shared.tools.tail TOPIC [--from-beginning/--new-only] [--max N]``; what any
outside consumer sees with a plain Kafka client: key, the CloudEvents ``ce_*`` headers, the data.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import ConsumerRecord

from newsroom_shared.config import LOCAL_KAFKA
from newsroom_shared.events.envelope import header_map


def record_as_json(record: ConsumerRecord[bytes, bytes]) -> dict[str, Any]:
    value = record.value or b""
    try:
        data: Any = json.loads(value)
    except ValueError:
        data = value.decode(errors="replace")
    return {
        "topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
        "key": record.key.decode(errors="replace") if record.key else None,
        "headers": header_map(record.headers),
        "data": data,
    }


async def tail(topic: str, bootstrap: str, from_beginning: bool, limit: int | None) -> None:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest" if from_beginning else "latest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        seen = 0
        async for record in consumer:
            print(json.dumps(record_as_json(record)), flush=True)
            seen += 1
            if limit is not None and seen >= limit:
                return
    finally:
        await consumer.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("topic")
    parser.add_argument(
        "--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", LOCAL_KAFKA)
    )
    parser.add_argument("--new-only", action="store_true", help="only events produced from now on")
    parser.add_argument("--max", type=int, default=None, help="stop after this many events")
    args = parser.parse_args(argv)
    try:
        asyncio.run(tail(args.topic, args.bootstrap, not args.new_only, args.max))
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
