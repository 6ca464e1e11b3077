"""Where the tests find a Kafka-protocol broker and a MongoDB-protocol server.

In order: ``KAFKA_BOOTSTRAP_SERVERS`` / ``MONGODB_URI`` from the environment (``./dev test`` sets
them after starting the local servers); Apache Kafka and MongoDB in testcontainers when
``NEWSROOM_TESTCONTAINERS=1`` and a Docker engine answers; else the local servers, started here
through ``deploy/local/devstack.py``.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Infra:
    kafka_bootstrap_servers: str
    mongodb_uri: str


def _devstack_up() -> dict[str, str]:
    path = Path(__file__).resolve().parents[4] / "deploy" / "local" / "devstack.py"
    spec = importlib.util.spec_from_file_location("devstack", path)
    assert spec and spec.loader, f"cannot load {path}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    env: dict[str, str] = module.up()
    return env


@contextmanager
def _containers() -> Iterator[Infra]:
    from testcontainers.kafka import KafkaContainer
    from testcontainers.mongodb import MongoDbContainer

    with ExitStack() as stack:
        kafka = stack.enter_context(KafkaContainer("apache/kafka:3.9.1").with_kraft())
        mongo = stack.enter_context(
            MongoDbContainer("mongo:8.0").with_command("--replSet rs0 --bind_ip_all")
        )
        client_uri = mongo.get_connection_url()
        from pymongo import MongoClient

        with MongoClient(client_uri, directConnection=True) as admin:
            admin.admin.command({"replSetInitiate": {"_id": "rs0", "members": [
                {"_id": 0, "host": "localhost:27017"}]}})
        yield Infra(kafka.get_bootstrap_server(), client_uri + "/?directConnection=true")


@contextmanager
def test_infra() -> Iterator[Infra]:
    kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    mongo = os.environ.get("MONGODB_URI")
    if kafka and mongo:
        yield Infra(kafka, mongo)
    elif os.environ.get("NEWSROOM_TESTCONTAINERS") == "1":
        with _containers() as infra:
            yield infra
    else:
        env = _devstack_up()
        yield Infra(env["KAFKA_BOOTSTRAP_SERVERS"], env["MONGODB_URI"])
