"""A processed image consumed from the media topic reaches the release's published event."""

import json

import pytest

from newsroom_shared.events.envelope import envelope_for
from newsroom_shared.events.media import MediaProcessed, Rendition
from newsroom_shared.events.publisher import ReleasePublished
from newsroom_testing.consumer import eventually, produce_envelopes

from .conftest import events_by_key, running

# Slow: the app runs its media consumers, and each takes seconds to join its group.
pytestmark = [pytest.mark.connected, pytest.mark.slow]
MEDIA_SOURCE = "/newsroom/media"


async def test_published_event_carries_the_processed_image_and_none_without_one(
    settings, clock, infra, unique, drop_database
) -> None:
    bootstrap = infra.kafka_bootstrap_servers
    photo = f"photo-{unique}"
    async with running(settings.model_copy(update={"consumers_enabled": True}), clock) as client:
        acme = await client.new_tenant()
        room = await acme.newsroom(f"acme-{unique}")
        with_image = await acme.release(room["id"], media_ids=[photo])
        without = await acme.release(room["id"], title="No picture")
        card = Rendition(
            name="social_card", content_type="image/jpeg", width=1200, height=630, bytes=9000,
            url=f"https://media.example/{photo}/card.jpg",
        )  # fmt: skip
        processed = MediaProcessed(
            tenant_id=acme.id, media_id=photo, kind="image", content_type="image/png",
            filename="photo.png", url=f"https://media.example/{photo}.png",
            alt_text="The new factory", renditions=[card], processed_at=clock.now(),
        )  # fmt: skip
        await produce_envelopes(bootstrap, [envelope_for(processed, source=MEDIA_SOURCE)])

        async def photo_ready() -> bool:
            body = await acme.ok("GET", f"/v1/releases/{with_image['id']}")
            return bool(body["media"][0]["status"] == "ready")

        await eventually(photo_ready, timeout_s=60)
        for release in (with_image, without):
            await acme.ok("POST", f"/v1/releases/{release['id']}/publish")
        await client.outbox_drained()

    ids = [with_image["id"], without["id"]]

    async def both_published():
        found = await events_by_key(bootstrap, ReleasePublished.topic, ids)
        return found if all(found[i] for i in ids) else None

    found = await eventually(both_published, timeout_s=30)
    images = {i: json.loads(found[i][0].value or b"{}").get("image") for i in ids}
    assert images == {
        with_image["id"]: {
            "url": f"https://media.example/{photo}/card.jpg",
            "alt_text": "The new factory",
            "width": 1200,
            "height": 630,
        },
        without["id"]: None,
    }
