"""Media events through the real broker: refs follow the media, each event applies once."""

from datetime import timedelta

import pytest

from newsroom_shared.events.envelope import envelope_for
from newsroom_shared.events.media import MediaDeleted, MediaProcessed, MediaRejected
from newsroom_testing.consumer import eventually, produce_envelopes

from .conftest import running

# Slow: the app runs its three consumers, and each takes seconds to join its group.
pytestmark = [pytest.mark.connected, pytest.mark.slow]
MEDIA_SOURCE = "/newsroom/media"


def processed(tenant_id: str, media_id: str, at) -> MediaProcessed:
    return MediaProcessed(
        tenant_id=tenant_id,
        media_id=media_id,
        kind="image",
        content_type="image/png",
        filename="photo.png",
        url=f"https://media.example/{media_id}.png",
        processed_at=at,
    )


async def test_media_events_update_refs_once_even_when_redelivered(
    settings, clock, infra, unique, mongo_client, drop_database
) -> None:
    bootstrap = infra.kafka_bootstrap_servers
    media_items = mongo_client[settings.database_name]["media"]
    m1, m2 = f"m1-{unique}", f"m2-{unique}"
    async with running(settings.model_copy(update={"consumers_enabled": True}), clock) as client:
        acme = await client.new_tenant()
        room = await acme.newsroom(f"acme-{unique}")
        release = await acme.release(room["id"], media_ids=[m1, m2], social_card_media_id=m1)
        url = f"/v1/releases/{release['id']}"
        assert [r["status"] for r in release["media"]] == ["pending", "pending"]

        async def refs() -> dict[str, dict]:
            return {r["media_id"]: r for r in (await acme.ok("GET", url))["media"]}

        first = envelope_for(processed(acme.id, m1, clock.now()), source=MEDIA_SOURCE)
        await produce_envelopes(bootstrap, [first])

        async def m1_ready():
            found = await refs()
            return found if found[m1]["status"] == "ready" else None

        ready = await eventually(m1_ready, timeout_s=60)
        applied_at = ready[m1]["updated_at"]
        assert ready[m2]["status"] == "pending"

        # The same event again, then a marker on the same partition (same key: the media id)
        # for another tenant: once the marker is applied, the duplicate was consumed before it.
        clock.advance(timedelta(minutes=1))
        other_tenant = "f" * 24
        marker = envelope_for(processed(other_tenant, m1, clock.now()), source=MEDIA_SOURCE)
        await produce_envelopes(bootstrap, [first, marker])

        async def marker_applied():
            return await media_items.find_one({"tenant_id": other_tenant, "media_id": m1})

        await eventually(marker_applied, timeout_s=60)
        after = await refs()
        assert after[m1]["updated_at"] == applied_at
        stored = await media_items.find_one({"tenant_id": acme.id, "media_id": m1})
        assert stored["updated_at"].isoformat().replace("+00:00", "Z") == applied_at

        rejected = MediaRejected(
            tenant_id=acme.id, media_id=m2, reason="not an image", rejected_at=clock.now()
        )
        deleted = MediaDeleted(tenant_id=acme.id, media_id=m1, deleted_at=clock.now())
        await produce_envelopes(
            bootstrap,
            [envelope_for(e, source=MEDIA_SOURCE) for e in (rejected, deleted)],
        )

        async def settled():
            body = await acme.ok("GET", url)
            done = body["media_ids"] == [m2] and body["media"][0]["status"] == "rejected"
            return body if done else None

        final = await eventually(settled, timeout_s=60)
        assert final["social_card_media_id"] is None
        assert final["version"] == release["version"]  # media news is not an editorial change
