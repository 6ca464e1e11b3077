"""The event contracts: naming rules, the registry, the envelope round trip, validation."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event
from pydantic import ValidationError

from newsroom_shared.events import Event, envelope_for, parse
from newsroom_shared.events.comments import CommentEdited, CommentModerated, CommentPosted
from newsroom_shared.events.distribution import DeliveryFailed, DeliverySucceeded
from newsroom_shared.events.listening import (
    MentionDetected,
    MentionSpike,
    MentionUpdated,
    PostFetched,
)
from newsroom_shared.events.media import (
    GalleryDeleted,
    GalleryUpdated,
    MediaDeleted,
    MediaProcessed,
    MediaRejected,
    MediaUploaded,
)
from newsroom_shared.events.publisher import (
    ApiKeyIssued,
    ApiKeyRevoked,
    NewsroomCreated,
    NewsroomUpdated,
    ReleaseEmbargoed,
    ReleasePublished,
    ReleaseUpdated,
    ReleaseWithdrawn,
)
from newsroom_shared.events.registry import (
    ALL_EVENTS,
    PRODUCERS,
    UnknownEventError,
    event_for_topic,
    event_for_type,
    producer_of,
)
from newsroom_testing.infra import Infra

TOPIC_RULE = re.compile(r"^newsroom\.[a-z]+(_[a-z]+)*\.[a-z]+(_[a-z]+)*\.v[1-9][0-9]*$")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
RELEASE = {
    "tenant_id": "t1",
    "release_id": "r1",
    "newsroom_id": "n1",
    "newsroom_slug": "acme",
    "slug": "q3-results",
    "title": "Q3 results",
    "language": "en",
    "url": "https://news.example/acme/q3-results",
    "version": 1,
}
DELIVERY = {
    "tenant_id": "t1",
    "delivery_id": "d1",
    "release_id": "r1",
    "channel_kind": "mastodon",
    "channel_id": "c1",
    "recipient": "@acme@mastodon.example",
    "attempts": 1,
}
NEWSROOM = {
    "tenant_id": "t1",
    "newsroom_id": "n1",
    "slug": "acme",
    "name": "Acme Newsroom",
    "default_language": "en",
    "version": 1,
    "updated_at": NOW,
}
EMAIL_HASH = "a" * 64

# One valid event of every contract.
EXAMPLES: dict[type[Event], dict[str, Any]] = {
    ReleasePublished: {**RELEASE, "published_at": NOW},
    ReleaseEmbargoed: {
        **RELEASE,
        "embargo_until": NOW,
        "preview_url": "https://news.example/p/abc",
    },
    ReleaseUpdated: {**RELEASE, "version": 2, "updated_at": NOW},
    ReleaseWithdrawn: {
        "tenant_id": "t1",
        "release_id": "r1",
        "newsroom_id": "n1",
        "withdrawn_at": NOW,
    },
    ApiKeyIssued: {
        "tenant_id": "t1",
        "key_id": "0123456789abcdef01234567",
        "scopes": ["editor"],
        "secret_hash": "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
        "issued_at": NOW,
    },
    ApiKeyRevoked: {"tenant_id": "t1", "key_id": "0123456789abcdef01234567", "revoked_at": NOW},
    NewsroomCreated: NEWSROOM,
    NewsroomUpdated: {**NEWSROOM, "name": "Acme News", "version": 2},
    MediaUploaded: {
        "tenant_id": "t1",
        "media_id": "m1",
        "kind": "image",
        "content_type": "image/png",
        "filename": "logo.png",
        "bytes": 2048,
        "uploaded_at": NOW,
    },
    MediaProcessed: {
        "tenant_id": "t1",
        "media_id": "m1",
        "kind": "image",
        "content_type": "image/png",
        "filename": "logo.png",
        "url": "https://cdn.example/m1.png",
        "renditions": [
            {
                "name": "thumb",
                "content_type": "image/webp",
                "url": "https://cdn.example/t.webp",
                "bytes": 10,
            }
        ],
        "processed_at": NOW,
    },
    MediaRejected: {
        "tenant_id": "t1",
        "media_id": "m1",
        "reason": "not an image",
        "rejected_at": NOW,
    },
    MediaDeleted: {"tenant_id": "t1", "media_id": "m1", "deleted_at": NOW},
    GalleryUpdated: {
        "tenant_id": "t1",
        "gallery_id": "g1",
        "release_id": "r1",
        "version": 2,
        "items": [{"media_id": "m2", "caption": "The launch"}, {"media_id": "m1"}],
        "updated_at": NOW,
    },
    GalleryDeleted: {
        "tenant_id": "t1",
        "gallery_id": "g1",
        "release_id": "r1",
        "version": 3,
        "deleted_at": NOW,
    },
    CommentPosted: {
        "tenant_id": "t1",
        "comment_id": "c1",
        "release_id": "r1",
        "newsroom_id": "n1",
        "author_name": "Ada",
        "author_email_hash": EMAIL_HASH,
        "body_text": "Great news!",
        "language": "en",
        "posted_at": NOW,
        "status": "pending",
    },
    CommentEdited: {
        "tenant_id": "t1",
        "comment_id": "c1",
        "release_id": "r1",
        "newsroom_id": "n1",
        "body_text": "Great news, on reflection.",
        "status": "approved",
        "edited_at": NOW,
    },
    CommentModerated: {
        "tenant_id": "t1",
        "comment_id": "c1",
        "release_id": "r1",
        "decision": "approved",
        "moderator_key_id": "k1",
        "moderated_at": NOW,
    },
    DeliverySucceeded: {
        **DELIVERY,
        "remote_id": "112233",
        "remote_url": "https://mastodon.example/@acme/112233",
        "delivered_at": NOW,
    },
    DeliveryFailed: {
        **DELIVERY,
        "channel_kind": "email",
        "recipient": EMAIL_HASH,
        "attempts": 5,
        "error": "mailbox unavailable",
        "permanent": True,
        "failed_at": NOW,
    },
    MentionDetected: {
        "tenant_id": "t1",
        "mention_id": "x1",
        "source_kind": "rss",
        "source_url": "https://blog.example/feed.xml",
        "excerpt": "... Acme's Q3 results beat ...",
        "url": "https://blog.example/acme-q3",
        "query_ids": ["q1"],
        "matched_terms": ["acme"],
        "sentiment_score": 0.6,
        "sentiment_label": "positive",
        "detected_at": NOW,
    },
    MentionUpdated: {
        "tenant_id": "t1",
        "mention_id": "x1",
        "excerpt": "... Acme's Q3 results were a disaster ...",
        "query_ids": ["q1"],
        "matched_terms": ["acme"],
        "sentiment_score": -0.6,
        "sentiment_label": "negative",
        "updated_at": NOW,
    },
    MentionSpike: {
        "tenant_id": "t1",
        "query_id": "q1",
        "query_name": "Acme brand",
        "window_start": NOW,
        "window_end": NOW,
        "count": 120,
        "baseline": 10.0,
        "ratio": 12.0,
        "negative_share": 0.7,
        "sample_mention_ids": ["x1"],
        "detected_at": NOW,
    },
    PostFetched: {
        "tenant_id": "t1",
        "post_key": "webhook:s1:msg_1",
        "source_kind": "webhook",
        "source_url": "urn:newsroom:webhook-source:s1",
        "text": "Acme's new Roadrunner is brilliant",
        "fetched_at": NOW,
    },
}


def example(event_class: type[Event], **changes: Any) -> Event:
    return event_class.model_validate({**EXAMPLES[event_class], **changes})


def test_every_contract_has_an_example() -> None:
    assert set(EXAMPLES) == set(ALL_EVENTS)


@pytest.mark.parametrize("event_class", ALL_EVENTS, ids=lambda e: e.__name__)
def test_topic_and_type_follow_the_naming_rule(event_class: type[Event]) -> None:
    assert TOPIC_RULE.match(event_class.topic), event_class.topic
    assert event_class.ce_type == "io.newsroom." + event_class.topic.removeprefix("newsroom.")


def test_topics_types_and_names_are_unique() -> None:
    for attribute in ("topic", "ce_type", "__name__"):
        values = [getattr(event, attribute) for event in ALL_EVENTS]
        duplicates = {value for value in values if values.count(value) > 1}
        assert not duplicates, f"{attribute} used twice: {duplicates}"


@pytest.mark.parametrize("event_class", ALL_EVENTS, ids=lambda e: e.__name__)
def test_aggregate_field_is_a_required_string(event_class: type[Event]) -> None:
    field = event_class.model_fields[event_class.aggregate_field]
    assert field.annotation is str
    assert field.is_required()


def test_registry_lists_every_contract_of_every_producer() -> None:
    defined = {
        member
        for module_name in PRODUCERS
        for _, member in inspect.getmembers(importlib.import_module(module_name), inspect.isclass)
        if issubclass(member, Event)
        and member.__module__ == module_name
        and hasattr(member, "topic")  # bases such as ReleaseFacts have no topic
    }
    assert defined == set(ALL_EVENTS)


@pytest.mark.parametrize("event_class", ALL_EVENTS, ids=lambda e: e.__name__)
def test_lookups_find_the_contract(event_class: type[Event]) -> None:
    assert event_for_topic(event_class.topic) is event_class
    assert event_for_type(event_class.ce_type) is event_class
    assert producer_of(event_class) in {
        "publisher",
        "media",
        "comments",
        "distribution",
        "listening",
    }


def test_lookups_reject_unknown_names() -> None:
    with pytest.raises(UnknownEventError, match=r"newsroom\.nothing\.happened\.v1"):
        event_for_topic("newsroom.nothing.happened.v1")
    with pytest.raises(UnknownEventError):
        event_for_type("io.newsroom.nothing.happened.v1")


@pytest.mark.parametrize("event_class", ALL_EVENTS, ids=lambda e: e.__name__)
def test_envelope_round_trip(event_class: type[Event]) -> None:
    event = example(event_class)
    envelope = envelope_for(event, source="newsroom/test")
    received = parse(event_for_topic(envelope.topic), envelope.headers(), envelope.data)
    assert received.data == event
    assert envelope.key == getattr(event, event_class.aggregate_field)
    assert (received.type, received.tenant_id) == (event_class.ce_type, "t1")


@pytest.mark.parametrize("event_class", ALL_EVENTS, ids=lambda e: e.__name__)
def test_cloudevents_sdk_reads_our_messages(event_class: type[Event]) -> None:
    """What docs/events.md shows outside consumers."""
    event = example(event_class)
    envelope = envelope_for(event, source="newsroom/test")
    message = KafkaMessage(
        headers=envelope.headers(), key=envelope.key.encode(), value=envelope.data
    )
    cloud_event = from_binary_event(message)
    assert cloud_event.get_type() == event_class.ce_type
    assert cloud_event.get_subject() == event.aggregate_id
    assert cloud_event.get_extension("tenantid") == "t1"
    assert event_class.model_validate(cloud_event.get_data()) == event


def test_a_consumer_of_an_older_contract_ignores_new_fields() -> None:
    envelope = envelope_for(example(CommentPosted), source="newsroom/test")
    newer_data = envelope.data[:-1] + b', "added_in_a_later_version": 1}'
    assert parse(CommentPosted, envelope.headers(), newer_data).data == example(CommentPosted)


@pytest.mark.parametrize(
    ("event_class", "changes"),
    [
        (CommentPosted, {"author_email_hash": "ada@example.org"}),  # never the raw email
        (CommentPosted, {"status": "deleted"}),
        (CommentPosted, {"body_text": ""}),
        (CommentModerated, {"decision": "pending"}),
        (DeliverySucceeded, {"channel_kind": "myspace"}),
        (DeliveryFailed, {"attempts": 0}),
        (MentionDetected, {"sentiment_score": 1.5}),
        (MentionDetected, {"sentiment_label": "angry"}),
        (MentionDetected, {"source_kind": "telegram"}),
        (MentionDetected, {"query_ids": []}),
        (MentionUpdated, {"withdrawn": "moderated"}),
        (MentionSpike, {"negative_share": 1.2}),
        (MentionSpike, {"count": -1}),
        (NewsroomUpdated, {"version": 0}),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else next(iter(value)),
)
def test_contract_rejects_invalid_data(event_class: type[Event], changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        example(event_class, **changes)


def test_optional_fields_have_safe_defaults() -> None:
    posted = CommentPosted.model_validate(
        {
            k: v
            for k, v in EXAMPLES[CommentPosted].items()
            if k not in {"author_email_hash", "language"}
        }
    )
    assert (posted.parent_id, posted.author_email_hash, posted.is_official_reply) == (
        None,
        None,
        False,
    )
    moderated = CommentModerated.model_validate(
        {**EXAMPLES[CommentModerated], "moderator_key_id": None}
    )
    assert (moderated.moderator_key_id, moderated.reason) == (None, "")


@pytest.mark.connected
async def test_plain_kafka_client_dispatches_on_the_type_header(infra: Infra, unique: str) -> None:
    """One topic carrying every contract, read back with aiokafka and the registry."""
    topic = f"contracts.{unique}"
    envelopes = [envelope_for(example(e), source="newsroom/test") for e in ALL_EVENTS]
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap_servers)
    await producer.start()
    try:
        for envelope in envelopes:
            await producer.send(
                topic,
                envelope.data,
                key=envelope.key.encode(),
                headers=list(envelope.headers().items()),
                partition=0,  # one partition, so the read order is the write order
            )
        await producer.flush()
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=infra.kafka_bootstrap_servers, auto_offset_reset="earliest"
    )
    await consumer.start()
    received: list[Event] = []
    try:
        async with asyncio.timeout(30):
            while len(received) < len(envelopes):
                record = await consumer.getone()
                headers = dict(record.headers)
                event_class = event_for_type(headers["ce_type"].decode())
                received.append(parse(event_class, record.headers, record.value).data)
    finally:
        await consumer.stop()
    assert received == [example(e) for e in ALL_EVENTS]
