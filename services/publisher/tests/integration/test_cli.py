"""``publisher create-tenant`` prints a working admin key once; ``republish-api-keys`` sends
every key again."""

import asyncio
import os
import sys
from pathlib import Path

import pytest

from newsroom_shared.events.publisher import ApiKeyIssued
from publisher.config import PublisherSettings

from .conftest import events_of, running

pytestmark = pytest.mark.connected


async def test_create_tenant_prints_a_working_admin_key(settings, clock, drop_database) -> None:
    command = Path(sys.executable).parent / "publisher"  # the installed entry point
    env = {
        **os.environ,
        "MONGODB_URI": settings.mongodb_uri,
        "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "PUBLISHER_MONGODB_DATABASE": settings.database_name,
        "PUBLISHER_LOG_JSON": "false",
    }
    process = await asyncio.create_subprocess_exec(
        str(command), "create-tenant", "--name", "Acme Corp",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    lines = dict(line.split(":", 1) for line in out.decode().splitlines())
    token = lines["admin API key"].strip()
    assert token.startswith("nrk_")
    assert "shown only now" in err.decode()

    async with running(settings, clock) as client:
        answer = await client.http.get("/v1/tenant", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200
        assert answer.json() == {
            "id": lines["tenant id"].strip(),
            "name": "Acme Corp",
            "created_at": answer.json()["created_at"],
        }


async def run_cli(settings: PublisherSettings, *args: str) -> tuple[str, str]:
    """Run the installed ``publisher`` command on the test's database; (stdout, stderr)."""
    command = Path(sys.executable).parent / "publisher"
    env = {
        **os.environ,
        "MONGODB_URI": settings.mongodb_uri,
        "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "PUBLISHER_MONGODB_DATABASE": settings.database_name,
        "PUBLISHER_LOG_JSON": "false",
    }
    process = await asyncio.create_subprocess_exec(
        str(command), *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    return out.decode(), err.decode()


async def test_create_tenant_emits_the_key_and_republish_sends_it_again(
    settings, clock, drop_database
) -> None:
    out, _ = await run_cli(settings, "create-tenant", "--name", "Acme Corp")
    key_id = dict(line.split(":", 1) for line in out.splitlines())["admin key id"].strip()

    async with running(settings, clock) as client:  # its outbox relay sends what the CLI wrote
        await client.outbox_drained()
        servers = settings.kafka_bootstrap_servers
        assert len(await events_of(servers, ApiKeyIssued.topic, key_id)) == 1

        out, _ = await run_cli(settings, "republish-api-keys")
        assert "republished 1 API keys" in out
        await client.outbox_drained()
        assert len(await events_of(servers, ApiKeyIssued.topic, key_id)) == 2


async def test_index_search_gives_terms_to_releases_stored_without_them(
    settings, clock, drop_database, mongo_client
) -> None:
    async with running(settings, clock) as client:
        acme = await client.new_tenant()
        room = await acme.newsroom("acme-cli")
        release = await acme.release(room["id"], title="Acme launches rockets")
        await acme.ok("POST", f"/v1/releases/{release['id']}/publish")
    releases = mongo_client[settings.database_name]["releases"]
    # As stored before search existed.
    await releases.update_one({"_id": release["id"]}, {"$unset": {"search_terms": ""}})

    out, _ = await run_cli(settings, "index-search")
    assert "gave search terms to 1 releases" in out
    stored = await releases.find_one({"_id": release["id"]})
    assert stored["search_terms"] == ["acm", "launch", "rocket"]
    out, _ = await run_cli(settings, "index-search")
    assert "gave search terms to 0 releases" in out
