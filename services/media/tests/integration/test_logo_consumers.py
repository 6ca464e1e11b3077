"""Media's newsroom consumers on the real broker: the item a newsroom names as its logo is
served to anyone (its pages show it); once the newsroom takes another, it is not."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from media_support import corpus
from media_support.app import local_path, media_api, settings_for
from media_support.flows import processed, upload

from newsroom_shared.events.envelope import envelope_for
from newsroom_shared.events.publisher import NewsroomCreated, NewsroomUpdated
from newsroom_testing.consumer import eventually, produce, raw_message
from newsroom_testing.fixtures import drop_test_database

pytestmark = [pytest.mark.connected, pytest.mark.slow]
PUBLISHER = "/newsroom/publisher"


async def status_of(api: httpx.AsyncClient, path: str) -> int:
    return (await api.get(path)).status_code


def facts(unique: str, logo: str | None, version: int) -> dict[str, object]:
    return {
        "tenant_id": "tenant-a",
        "newsroom_id": f"n-{unique}",
        "slug": f"acme-{unique}",
        "name": "Acme",
        "default_language": "en",
        "logo_media_id": logo,
        "version": version,
        "updated_at": datetime(2026, 12, 4, tzinfo=UTC),
    }


async def test_a_newsrooms_logo_is_public_until_it_is_replaced(infra, mongo_client, unique) -> None:
    settings = settings_for(
        infra,
        unique,
        consumers_enabled=True,
    )
    try:
        async with media_api(settings) as api:
            answer = await upload(api, corpus.jpeg(400, 300))
            item = await processed(api, answer.json()["id"])
            web = local_path(next(f["url"] for f in item["files"] if f["name"] == "web"))
            assert await status_of(api, web) == 404  # staff only: no release, no newsroom

            created = NewsroomCreated(**facts(unique, item["id"], 1))  # type: ignore[arg-type]
            await produce(
                infra.kafka_bootstrap_servers,
                created.topic,
                [raw_message(envelope_for(created, source=PUBLISHER))],
            )

            async def public() -> bool:
                return await status_of(api, web) == 200

            await eventually(public, "the logo public", timeout_s=60)

            replaced = NewsroomUpdated(**facts(unique, None, 2))  # type: ignore[arg-type]
            await produce(
                infra.kafka_bootstrap_servers,
                replaced.topic,
                [raw_message(envelope_for(replaced, source=PUBLISHER))],
            )

            async def private() -> bool:
                return await status_of(api, web) == 404

            await eventually(private, "the old logo staff-only again", timeout_s=60)
    finally:
        await drop_test_database(mongo_client, settings.database_name)
