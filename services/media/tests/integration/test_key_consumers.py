"""Media's consumers (the replica of the publisher's staff keys): a malformed event goes to the
dead-letter topic and the consumer moves on; a redelivered event is applied once; the key then
works on media's API."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import httpx
import pytest
from asgi_lifespan import LifespanManager
from media_support.app import settings_for

from media.main import create_app
from newsroom_shared.auth import TokenHashes, compose_token
from newsroom_shared.dlq.reader import open_dlq
from newsroom_shared.events.envelope import envelope_for
from newsroom_shared.events.publisher import ApiKeyIssued
from newsroom_testing.consumer import RawMessage, eventually, produce, raw_message
from newsroom_testing.fixtures import drop_test_database

pytestmark = [pytest.mark.connected, pytest.mark.slow]
PUBLISHER = "/newsroom/publisher"


async def test_poison_goes_to_the_dlq_and_a_redelivery_is_applied_once(
    infra, mongo_client, unique
) -> None:
    settings = settings_for(
        infra,
        unique,
        consumers_enabled=True,
        worker_enabled=False,
        retry_max_attempts=2,
        retry_backoff_initial_s=0.01,
        retry_backoff_max_s=0.05,
    )
    key_id = secrets.token_hex(12)
    token = compose_token(key_id, secrets.token_urlsafe(32))
    issued = ApiKeyIssued(
        tenant_id=f"tenant-{unique}",
        key_id=key_id,
        scopes=["editor"],
        secret_hash=TokenHashes().hash(token),
        issued_at=datetime.now(UTC),
    )
    envelope = envelope_for(issued, source=PUBLISHER)
    poison = RawMessage(b"{not json", key=f"poison-{unique}".encode())
    app = create_app(settings)  # the key replica authenticates
    try:
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="https://test") as http:
                await produce(
                    infra.kafka_bootstrap_servers,
                    issued.topic,
                    [poison, raw_message(envelope), raw_message(envelope)],  # the second: again
                )
                bearer = {"Authorization": f"Bearer {token}"}

                async def accepted() -> bool:
                    return (await http.get("/v1/media", headers=bearer)).status_code == 200

                await eventually(accepted, timeout_s=60)

                async def dead_lettered() -> bool:
                    async with open_dlq(
                        infra.kafka_bootstrap_servers, f"{issued.topic}.dlq", f"r-{unique}"
                    ) as dlq:
                        records = await dlq.read({})
                    return any(r.key == poison.key for r in records)

                await eventually(dead_lettered, timeout_s=60)
                db = app.state.media.runtime.db
                inbox = await db["inbox"].count_documents({"event_id": envelope.id})
                assert inbox == 1
    finally:
        await drop_test_database(mongo_client, settings.database_name)
