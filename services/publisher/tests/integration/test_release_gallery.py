"""The media service's gallery events through the real broker: a release page shows its
gallery's order and captions, follows a reorder, falls back to the release's order once the
gallery is deleted, ignores old or repeated news, sends malformed news to the dead letters, and
never mixes tenants."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from xml.etree import ElementTree

import pytest

from newsroom_shared.dlq.reader import open_dlq
from newsroom_shared.events.envelope import envelope_for
from newsroom_shared.events.media import GalleryDeleted, GalleryPlace, GalleryUpdated
from newsroom_testing.consumer import RawMessage, eventually, produce, produce_envelopes

from .conftest import running
from .test_release_page import Page, published
from .test_release_pictures import IMAGE, apply, processed

# Slow: the app runs its consumers, and each takes seconds to join its group.
pytestmark = [pytest.mark.connected, pytest.mark.slow]
MEDIA_SOURCE = "/newsroom/media"


def updated(
    tenant_id: str,
    gallery_id: str,
    release_id: str | None,
    version: int,
    at: Any,
    places: list[tuple[str, str]],
) -> GalleryUpdated:
    return GalleryUpdated(
        tenant_id=tenant_id,
        gallery_id=gallery_id,
        release_id=release_id,
        version=version,
        items=[GalleryPlace(media_id=m, caption=c) for m, c in places],
        updated_at=at,
    )


async def test_the_page_follows_the_gallery_and_falls_back_without_it(
    settings, clock, infra, unique, drop_database
) -> None:
    bootstrap = infra.kafka_bootstrap_servers
    following = settings.model_copy(update={"consumers_enabled": True, "retry_max_attempts": 2})
    async with running(following, clock) as client:
        acme, globex = await client.new_tenant("Acme"), await client.new_tenant("Globex")
        room = await acme.newsroom(f"acme-{unique}", name="Acme")
        m1, m2, m3 = f"m1-{unique}", f"m2-{unique}", f"m3-{unique}"
        for n, media_id in enumerate((m1, m2, m3), start=1):
            await apply(
                client,
                processed(
                    acme.id,
                    media_id,
                    clock.now(),
                    alt_text=f"Picture {n}",
                    caption=f"own caption {n}",
                ),
            )
        made = await published(acme, room, title="Launch", media_ids=[m1, m2, m3])
        path = f"/{room['slug']}/releases/{made['id']}"
        gallery_id = f"g-{unique}"

        async def page() -> tuple[Page, str]:
            answer = await client.http.get(path)
            assert answer.status_code == 200
            return Page(answer.text), answer.headers["etag"]

        def order(found: Page) -> list[str]:
            return [i["alt"] for i in found.all("img")]

        before, before_etag = await page()
        assert order(before) == ["Picture 1", "Picture 2", "Picture 3"]  # the release's order

        # The staff's gallery: m3 first, m1 with a caption of its place, m2 left out of it.
        first = updated(
            acme.id, gallery_id, made["id"], 1, clock.now(), [(m3, "The pad at dawn"), (m1, "")]
        )
        await produce_envelopes(bootstrap, [envelope_for(first, source=MEDIA_SOURCE)])

        async def in_gallery_order() -> tuple[Page, str] | None:
            found = await page()
            return found if order(found[0])[0] == "Picture 3" else None

        shown, shown_etag = await eventually(in_gallery_order, timeout_s=60)
        assert order(shown) == ["Picture 3", "Picture 1", "Picture 2"]  # then the release's rest
        text = " ".join(shown.text)
        assert "The pad at dawn" in text
        assert "own caption 3" not in text
        assert "own caption 1" in text  # no caption for its place: the item's own
        assert shown_etag != before_etag
        article = next(d for d in shown.json_ld if d.get("@type") == "NewsArticle")
        assert article["image"][0] == f"https://media.example/{m3}/social_card"
        assert shown.all(
            "meta", property="og:image", content=f"https://media.example/{m3}/social_card"
        )

        # A reorder (version 2); then version 1 again (redelivered) and another tenant's
        # gallery naming the same release id: neither changes anything. A marker on version 3
        # (same key, so the same partition, after them) tells when they were consumed.
        clock.advance(timedelta(minutes=1))
        second = updated(
            acme.id,
            gallery_id,
            made["id"],
            2,
            clock.now(),
            [(m1, "First, now"), (m3, "The pad at dawn")],
        )
        theirs = updated(
            globex.id, f"theirs-{unique}", made["id"], 9, clock.now(), [(m2, "Globex's caption")]
        )
        clock.advance(timedelta(minutes=1))
        marker = updated(
            acme.id,
            gallery_id,
            made["id"],
            3,
            clock.now(),
            [(m1, "First, now"), (m3, "The pad at dawn, marked")],
        )
        await produce_envelopes(
            bootstrap,
            [envelope_for(e, source=MEDIA_SOURCE) for e in (second, first, theirs, marker)],
        )

        async def marked() -> tuple[Page, str] | None:
            found = await page()
            return found if "The pad at dawn, marked" in " ".join(found[0].text) else None

        reordered, _ = await eventually(marked, timeout_s=60)
        assert order(reordered) == ["Picture 1", "Picture 3", "Picture 2"]
        sitemap = ElementTree.fromstring(
            (await client.http.get(f"/{room['slug']}/sitemap.xml")).content
        )
        pictures = [i.findtext(f"{{{IMAGE}}}loc") for i in sitemap.iter(f"{{{IMAGE}}}image")]
        assert pictures == [f"https://media.example/{m}/web" for m in (m1, m3, m2)]
        assert "Globex's caption" not in " ".join(reordered.text)

        # Malformed news goes to the dead letters and the consumer moves on.
        poison = RawMessage(b"{not json", key=gallery_id.encode())
        clock.advance(timedelta(minutes=1))
        deleted = GalleryDeleted(
            tenant_id=acme.id,
            gallery_id=gallery_id,
            release_id=made["id"],
            version=4,
            deleted_at=clock.now(),
        )
        await produce(bootstrap, GalleryDeleted.topic, [poison])
        await produce_envelopes(bootstrap, [envelope_for(deleted, source=MEDIA_SOURCE)])

        async def fallen_back() -> Page | None:
            found, _ = await page()
            return (
                found
                if order(found)[0] == "Picture 1" and "First, now" not in " ".join(found.text)
                else None
            )

        back = await eventually(fallen_back, timeout_s=60)
        assert order(back) == ["Picture 1", "Picture 2", "Picture 3"]
        assert "own caption 3" in " ".join(back.text)

        # An update older than the deletion (late, from the other topic) revives nothing.
        late = envelope_for(marker, source=MEDIA_SOURCE)
        await produce_envelopes(bootstrap, [late])
        db = client.app.state.publisher.runtime.db

        async def late_consumed() -> bool:
            return await db["inbox"].count_documents({"event_id": late.id}) == 1

        await eventually(late_consumed, timeout_s=60)
        assert order((await page())[0]) == ["Picture 1", "Picture 2", "Picture 3"]

        async def dead_lettered() -> bool:
            async with open_dlq(bootstrap, f"{GalleryDeleted.topic}.dlq", f"g-{unique}") as dlq:
                records = await dlq.read({})
            return any(r.key == poison.key for r in records)

        await eventually(dead_lettered, timeout_s=60)
