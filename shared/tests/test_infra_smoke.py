"""The test infrastructure itself: a real broker and a real replica-set database answer."""

from __future__ import annotations

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from newsroom_shared.mongo import Database, transaction
from newsroom_testing.infra import Infra

pytestmark = pytest.mark.connected


async def test_kafka_round_trip(infra: Infra, unique: str) -> None:
    topic = f"smoke.{unique}"
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap_servers)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"hello", key=b"k")
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=infra.kafka_bootstrap_servers, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        record = await consumer.getone()
    finally:
        await consumer.stop()
    assert (record.key, record.value) == (b"k", b"hello")


async def test_mongo_transaction(database: Database) -> None:
    await database.create_collection("things")
    async with transaction(database.client) as session:
        await database.things.insert_one({"_id": 1}, session=session)
    assert await database.things.count_documents({}) == 1
