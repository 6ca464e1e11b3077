"""What leaves the service, as an outside consumer reads it from Kafka: one CommentPosted per
accepted comment (the email's keyed digest, never the address), one CommentModerated per
decision, both through the outbox."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from newsroom_shared.events.comments import CommentEdited, CommentModerated, CommentPosted
from newsroom_testing.consumer import eventually

from .conftest import A, comment_body, comments_of, known_release, ok, published, staff

pytestmark = pytest.mark.connected


async def records_keyed(bootstrap: str, topic: str, key: str) -> list[dict[str, Any]]:
    """The values of the records on ``topic`` with ``key`` (a plain consumer, no group)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer.topics()
        partitions = [TopicPartition(topic, n) for n in consumer.partitions_for_topic(topic) or ()]
        if not partitions:
            return []
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found: list[dict[str, Any]] = []
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                found += [json.loads(r.value) for r in batch if r.key == key.encode() and r.value]
        return found
    finally:
        await consumer.stop()


async def test_posting_editing_and_moderating_emit_one_event_each_without_the_email(
    api: httpx.AsyncClient, infra: Any
) -> None:
    event = await known_release(api, published(A))
    posted = await ok(
        api,
        "POST",
        f"/v1/public/releases/{event.release_id}/comments",
        201,
        json=comment_body("<strong>Well</strong> done", email="Jane.Doe@Example.com"),
    )
    await ok(
        api,
        "PATCH",
        f"/v1/public/releases/{event.release_id}/comments/{posted['id']}",
        json={"text": "Well done, <em>all</em>"},
        headers={"X-Author-Token": posted["author_token"]},
    )
    await ok(
        api,
        "POST",
        f"/v1/comments/{posted['id']}/decisions",
        json={"decision": "rejected", "reason": "off topic"},
        headers=staff(A),
    )
    outbox = comments_of(api).runtime.outbox
    await eventually(lambda: _drained(outbox), "outbox drained", timeout_s=30)
    bootstrap = infra.kafka_bootstrap_servers
    [post_event] = await records_keyed(bootstrap, CommentPosted.topic, posted["id"])
    [decision] = await records_keyed(bootstrap, CommentModerated.topic, posted["id"])
    [edit] = await records_keyed(bootstrap, CommentEdited.topic, posted["id"])
    assert (edit["body_text"], edit["status"]) == ("Well done, all", "pending")
    assert "example.com" not in json.dumps(post_event).lower()
    stored = await ok(api, "GET", f"/v1/comments/{posted['id']}", headers=staff(A))
    assert post_event["author_email_hash"] == stored["email_hash"]
    assert (post_event["body_text"], post_event["status"]) == ("Well done", "pending")
    assert (decision["decision"], decision["reason"], decision["moderator_key_id"]) == (
        "rejected",
        "off topic",
        "key-tenant-a-editor",
    )


async def _drained(outbox: Any) -> bool:
    return bool(await outbox.count_unsent() == 0)
