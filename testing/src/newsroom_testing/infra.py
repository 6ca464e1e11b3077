"""Where the tests find a Kafka-protocol broker and a MongoDB-protocol server.

In order: ``KAFKA_BOOTSTRAP_SERVERS`` / ``MONGODB_URI`` from the environment (``./dev test`` sets
them after starting the local servers); Apache Kafka and MongoDB in testcontainers when
``NEWSROOM_TESTCONTAINERS=1`` and a Docker engine answers; else the local servers, started here
through ``deploy/local/devstack.py``.
"""

from __future__ import annotations

import importlib.util
import os
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Infra:
    kafka_bootstrap_servers: str
    mongodb_uri: str


def _devstack_up() -> dict[str, str]:
    path = Path(__file__).resolve().parents[3] / "deploy" / "local" / "devstack.py"
    spec = importlib.util.spec_from_file_location("devstack", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    env: dict[str, str] = module.up()
    return env


@contextmanager
def _containers() -> Iterator[Infra]:
    """Apache Kafka (KRaft) and MongoDB as a one-node replica set, in Docker.

    MongoDB runs without auth: testcontainers' MongoDbContainer enables auth, and a replica set
    with auth needs a key file. The client connects directly to the primary.
    """
    from pymongo import MongoClient
    from testcontainers.community.kafka import KafkaContainer
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.waiting_utils import wait_for_logs

    with ExitStack() as stack:
        kafka = stack.enter_context(KafkaContainer("apache/kafka:3.9.1").with_kraft())
        mongo = stack.enter_context(
            DockerContainer("mongo:8.0")
            .with_command("--replSet rs0 --bind_ip_all")
            .with_exposed_ports(27017)
        )
        wait_for_logs(mongo, "Waiting for connections")
        address = f"{mongo.get_container_host_ip()}:{mongo.get_exposed_port(27017)}"
        uri = f"mongodb://{address}/?directConnection=true"
        admin: MongoClient[dict[str, object]]
        with MongoClient(uri) as admin:
            members = [{"_id": 0, "host": "localhost:27017"}]
            admin.admin.command({"replSetInitiate": {"_id": "rs0", "members": members}})
            deadline = time.monotonic() + 60
            while not admin.admin.command("hello").get("isWritablePrimary"):
                if time.monotonic() > deadline:
                    raise RuntimeError("MongoDB replica set elected no primary within 60 s")
                time.sleep(0.2)
        yield Infra(kafka.get_bootstrap_server(), uri)


@contextmanager
def test_infra() -> Iterator[Infra]:
    kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    mongo = os.environ.get("MONGODB_URI")
    if kafka and mongo:
        yield Infra(kafka, mongo)
    elif os.environ.get("NEWSROOM_TESTCONTAINERS") == "1":
        # Apache Kafka's shortest session by default (group.min.session.timeout.ms): a
        # restarted consumer in the crash tests gets its dead predecessor's partitions sooner.
        os.environ.setdefault("KAFKA_SESSION_TIMEOUT_MS", "6000")
        os.environ.setdefault("KAFKA_HEARTBEAT_INTERVAL_MS", "500")
        with _containers() as infra:
            yield infra
    else:
        env = _devstack_up()
        # The local broker's settings too (fetch waits, session timeout), as ``./dev test``
        # exports them: services the tests start read them from the environment.
        for name, value in env.items():
            os.environ.setdefault(name, value)
        yield Infra(env["KAFKA_BOOTSTRAP_SERVERS"], env["MONGODB_URI"])
