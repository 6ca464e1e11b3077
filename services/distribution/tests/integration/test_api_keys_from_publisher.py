"""Staff call distribution with the publisher's API keys: the app follows the key events.

The events are produced here as the publisher's outbox relay produces them (the publisher's own
side is tested in its service); what this checks is distribution's wiring: its default
authenticator is the key replica, fed by its own consumers, in its own database.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fakes.auth import api_settings

from distribution.main import create_app
from newsroom_shared.auth import TokenHashes, compose_token
from newsroom_shared.events.envelope import envelope_for
from newsroom_shared.events.publisher import ApiKeyIssued, ApiKeyRevoked
from newsroom_testing.consumer import eventually, produce_envelopes
from newsroom_testing.fixtures import drop_test_database

pytestmark = pytest.mark.connected

PUBLISHER = "/newsroom/publisher"


async def test_a_publisher_key_works_here_until_it_is_revoked(infra, mongo_client, unique) -> None:
    settings = api_settings(infra, unique)
    key_id = secrets.token_hex(12)
    token = compose_token(key_id, secrets.token_urlsafe(32))
    tenant = f"tenant-{unique}"
    now = datetime.now(UTC)
    issued = ApiKeyIssued(
        tenant_id=tenant,
        key_id=key_id,
        scopes=["editor"],
        secret_hash=TokenHashes().hash(token),
        issued_at=now,
    )
    bearer = {"Authorization": f"Bearer {token}"}
    app = create_app(settings)  # no authenticator given: the key replica
    try:
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="https://test") as http:
                assert (await http.get("/v1/channels", headers=bearer)).status_code == 401
                await produce_envelopes(
                    infra.kafka_bootstrap_servers, [envelope_for(issued, source=PUBLISHER)]
                )

                async def accepted() -> bool:
                    answer = await http.get("/v1/channels", headers=bearer)
                    return answer.status_code == 200

                await eventually(accepted, timeout_s=30)
                wrong = compose_token(key_id, secrets.token_urlsafe(32))
                answer = await http.get("/v1/channels", headers={"X-API-Key": wrong})
                assert answer.status_code == 401

                revoked = ApiKeyRevoked(tenant_id=tenant, key_id=key_id, revoked_at=now)
                await produce_envelopes(
                    infra.kafka_bootstrap_servers, [envelope_for(revoked, source=PUBLISHER)]
                )

                async def refused() -> bool:
                    answer = await http.get("/v1/channels", headers=bearer)
                    return answer.status_code == 401

                # This replica consumed the revocation, so its cache forgets the key at once.
                await eventually(refused, timeout_s=30)
    finally:
        await drop_test_database(mongo_client, settings.database_name)
