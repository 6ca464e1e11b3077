"""Staff API keys leave the publisher as events, and another service accepts the same keys.

The follower is a bare ServiceRuntime with ``follow_api_keys`` (what distribution, media, ...
wire in their ``create_app``), with its own database: it never reads the publisher's.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator

import pytest

from newsroom_shared.auth import ReplicatedKeyAuthenticator, compose_token, follow_api_keys
from newsroom_shared.events.envelope import header_map
from newsroom_shared.events.publisher import ApiKeyIssued, ApiKeyRevoked
from newsroom_shared.http.auth import Principal, Scope
from newsroom_shared.runtime import ServiceRuntime
from newsroom_testing.consumer import eventually, fast_settings
from newsroom_testing.fixtures import drop_test_database
from publisher.domain.api_key import parse_token

from .conftest import Client, events_by_key

pytestmark = pytest.mark.connected


@pytest.fixture
async def follower(infra, mongo_client, unique) -> AsyncIterator[ReplicatedKeyAuthenticator]:
    settings = fast_settings(
        infra.kafka_bootstrap_servers,
        infra.mongodb_uri,
        f"follower-{unique}",
        mongodb_database=f"test_follower_{unique}",
        log_json=False,
    )
    runtime = ServiceRuntime(settings)
    authenticator = follow_api_keys(runtime)
    try:
        async with runtime.running():
            yield authenticator
    finally:
        await drop_test_database(mongo_client, settings.database_name)


async def test_each_key_is_issued_once_and_each_revocation_sent_once(
    client: Client, settings
) -> None:
    tenant = await client.new_tenant()
    admin_key_id = parse_token(tenant.token)
    editor = await tenant.ok("POST", "/v1/api-keys", 201, json={"name": "ed", "scopes": ["editor"]})
    await tenant.ok("POST", f"/v1/api-keys/{editor['id']}/revoke")
    await tenant.ok("POST", f"/v1/api-keys/{editor['id']}/revoke")  # already revoked: no new event
    await client.outbox_drained()

    servers = settings.kafka_bootstrap_servers
    issued = await events_by_key(servers, ApiKeyIssued.topic, [admin_key_id, editor["id"]])
    revoked = await events_by_key(servers, ApiKeyRevoked.topic, [admin_key_id, editor["id"]])
    assert {k: len(v) for k, v in issued.items()} == {admin_key_id: 1, editor["id"]: 1}
    assert {k: len(v) for k, v in revoked.items()} == {admin_key_id: 0, editor["id"]: 1}

    record = issued[admin_key_id][0]
    assert header_map(record.headers)["ce_tenantid"] == tenant.id
    data = json.loads(record.value)
    assert (data["tenant_id"], data["key_id"], data["scopes"]) == (
        tenant.id,
        admin_key_id,
        ["admin"],
    )
    assert data["secret_hash"].startswith("$argon2id$")
    secret = tenant.token.split("_", 2)[2]  # nrk_<key id>_<secret>; the secret may hold "_"
    assert secret not in record.value.decode()  # never the secret itself
    assert json.loads(revoked[editor["id"]][0].value)["tenant_id"] == tenant.id


async def test_another_service_accepts_a_key_until_it_is_revoked(
    client: Client, follower: ReplicatedKeyAuthenticator
) -> None:
    tenant = await client.new_tenant()
    other = await client.new_tenant("Other")
    editor = await tenant.ok("POST", "/v1/api-keys", 201, json={"name": "ed", "scopes": ["editor"]})

    principal = await eventually(lambda: follower.authenticate(editor["token"]))
    assert principal == Principal(tenant.id, editor["id"], frozenset({Scope.editor}))
    other_principal = await eventually(lambda: follower.authenticate(other.token))
    assert other_principal.tenant_id == other.id  # the tenant comes from the key

    forged = compose_token(editor["id"], uuid.uuid4().hex * 2)
    assert await follower.authenticate(forged) is None

    await tenant.ok("POST", f"/v1/api-keys/{editor['id']}/revoke")

    async def refused() -> bool:
        return await follower.authenticate(editor["token"]) is None

    await eventually(refused)
    assert await follower.authenticate(tenant.token) is not None  # the admin key still works
