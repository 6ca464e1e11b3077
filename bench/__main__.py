"""``./dev bench [name ...]``: run benchmarks and print their results as JSON lines."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from pathlib import Path

from bench import (
    comment_acceptance,
    email_fanout,
    listening_end_to_end,
    listening_matching,
    media_renditions,
    outbox_throughput,
    page_reads,
    publish_latency,
    thread_reads,
)

BENCHMARKS = {
    "p1-outbox": outbox_throughput.run,
    # P2: the service end to end against a raw aiosmtplib loop; publication to last social post.
    "p2-email": email_fanout.run,
    # P5: publish request to the first social post against a raw chain; idle CPU per service.
    "p5-latency": publish_latency.run,
    # P4: the public release page at 50 concurrent vs a bare FastAPI route rendering Jinja2.
    "p4-pages": page_reads.run,
    # P8 (first half): comments accepted per second through the acceptance path vs raw inserts.
    "p8-comments": comment_acceptance.run,
    # The same with 32 concurrent visitors (and 32 raw writers): what group commit gathers.
    "p8-comments-many": comment_acceptance.run_many,
    # P8 (second half): the widget's thread endpoint at 50 concurrent vs a bare FastAPI route.
    "p8-thread": thread_reads.run,
    # P3: posts/s through listening's pipeline with 10,000 queries, against one regex per query.
    "p3-matching": listening_matching.run,
    # P3 end to end: the internal topic to MentionDetected through the app, against a raw loop.
    "p3-end-to-end": listening_end_to_end.run,
    # P7: images rendered per second by the media service against a raw Pillow process pool.
    "p7-renditions": media_renditions.run,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"of {sorted(BENCHMARKS)}")
    parser.add_argument("--events", type=int, default=5000, help="events per measured run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating baseline/system rounds")
    args = parser.parse_args()
    bootstrap = os.environ["KAFKA_BOOTSTRAP_SERVERS"]
    mongo_uri = os.environ["MONGODB_URI"]
    results = Path(__file__).parent / "results"
    results.mkdir(exist_ok=True)
    unknown = set(args.names) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmarks: {sorted(unknown)}")
    for name in args.names or list(BENCHMARKS):
        result = asyncio.run(BENCHMARKS[name](bootstrap, mongo_uri, args.events, args.rounds))
        text = json.dumps(result, indent=2)
        print(text)
        (results / f"{name}.json").write_text(text + "\n")


if __name__ == "__main__":
    main()
