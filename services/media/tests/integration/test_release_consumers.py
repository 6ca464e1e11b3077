"""Media's release consumers on the real broker: a malformed event goes to the dead-letter
topic and the consumer moves on; a redelivered event is applied once; a published release's
media become public and its withdrawal takes them down."""

from __future__ import annotations

import httpx
import pytest
from media_support import corpus
from media_support.app import local_path, media_api, settings_for
from media_support.flows import processed, upload
from media_support.releases import published, withdrawn

from newsroom_shared.dlq.reader import open_dlq
from newsroom_shared.events.envelope import envelope_for
from newsroom_testing.consumer import RawMessage, eventually, produce, raw_message
from newsroom_testing.fixtures import drop_test_database

pytestmark = [pytest.mark.connected, pytest.mark.slow]
PUBLISHER = "/newsroom/publisher"


async def status_of(api: httpx.AsyncClient, path: str) -> int:
    return (await api.get(path)).status_code


async def test_poison_goes_to_the_dlq_a_redelivery_is_applied_once_and_access_follows(
    infra, mongo_client, unique
) -> None:
    settings = settings_for(
        infra,
        unique,
        consumers_enabled=True,
        retry_max_attempts=2,
        retry_backoff_initial_s=0.01,
        retry_backoff_max_s=0.05,
    )
    try:
        async with media_api(settings) as api:
            answer = await upload(api, corpus.jpeg(400, 300))
            item = await processed(api, answer.json()["id"])
            web = local_path(next(f["url"] for f in item["files"] if f["name"] == "web"))
            assert await status_of(api, web) == 404  # in no known release yet

            release_id = f"r-{unique}"
            event = published(release_id, [item["id"]])
            envelope = envelope_for(event, source=PUBLISHER)
            poison = RawMessage(b"{not json", key=f"poison-{unique}".encode())
            await produce(
                infra.kafka_bootstrap_servers,
                event.topic,
                [poison, raw_message(envelope), raw_message(envelope)],  # the second: again
            )

            async def public() -> bool:
                return await status_of(api, web) == 200

            await eventually(public, timeout_s=60)

            async def dead_lettered() -> bool:
                async with open_dlq(
                    infra.kafka_bootstrap_servers, f"{event.topic}.dlq", f"r-{unique}"
                ) as dlq:
                    records = await dlq.read({})
                return any(r.key == poison.key for r in records)

            await eventually(dead_lettered, timeout_s=60)
            db = api.app.state.media.runtime.db  # type: ignore[attr-defined]
            assert await db["inbox"].count_documents({"event_id": envelope.id}) == 1

            down = withdrawn(release_id)
            await produce(
                infra.kafka_bootstrap_servers,
                down.topic,
                [raw_message(envelope_for(down, source=PUBLISHER))],
            )

            async def gone() -> bool:
                return await status_of(api, web) == 410

            await eventually(gone, timeout_s=60)
    finally:
        await drop_test_database(mongo_client, settings.database_name)
