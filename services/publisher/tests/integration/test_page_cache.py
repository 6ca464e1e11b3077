"""The rendered-page cache on the real servers: a page is rendered once, and every change to
what it shows reaches every replica (at once in the one that made it, within a poll in others)."""

from __future__ import annotations

from typing import Any

import pytest

from newsroom_testing.consumer import eventually
from publisher.entrypoints.web.page_cache import LOOKUPS

from .conftest import running
from .test_release_page import Page, published

pytestmark = pytest.mark.connected


def hits() -> float:
    return LOOKUPS.labels("hit")._value.get()


def lead_of(answer: Any) -> str:
    return " ".join(Page(answer.text).text)


async def test_a_page_is_rendered_once_and_a_correction_shows_at_once(client, unique) -> None:
    acme = await client.new_tenant()
    room = await acme.newsroom(f"acme-{unique}")
    made = await published(acme, room, title="Launch", lead="The first lead.")
    path = f"/{room['slug']}/releases/{made['id']}"
    first = await client.http.get(path)
    before = hits()

    again = await client.http.get(path)
    conditional = await client.http.get(path, headers={"If-None-Match": first.headers["etag"]})

    assert hits() == before + 2  # neither read the database nor rendered
    assert (again.status_code, again.content) == (200, first.content)
    assert again.headers["etag"] == first.headers["etag"]
    assert conditional.status_code == 304
    await acme.ok("PATCH", f"/v1/releases/{made['id']}", json={"lead": "The corrected lead."})
    corrected = await client.http.get(path)
    assert "The corrected lead." in lead_of(corrected)
    assert corrected.headers["etag"] != first.headers["etag"]


async def test_a_withdrawal_answers_410_at_once_and_home_and_feed_follow(client, unique) -> None:
    acme = await client.new_tenant()
    room = await acme.newsroom(f"acme-{unique}")
    made = await published(acme, room, title="Soon gone")
    path, home, feed = (
        f"/{room['slug']}/releases/{made['id']}",
        f"/{room['slug']}/",
        f"/{room['slug']}/rss.xml",
    )
    for url in (path, home, feed, path, home, feed):  # rendered, then from the cache
        assert (await client.http.get(url)).status_code == 200

    await acme.ok(
        "POST", f"/v1/releases/{made['id']}/withdraw", json={"reason": "Published by mistake"}
    )

    assert (await client.http.get(path)).status_code == 410
    assert "Soon gone" not in (await client.http.get(home)).text
    assert "Soon gone" not in (await client.http.get(feed)).text


async def test_another_replica_shows_a_change_within_its_poll(settings, clock, unique) -> None:
    quick = settings.model_copy(update={"page_cache_poll_interval_s": 0.1})
    async with running(quick, clock) as one, running(quick, clock) as other:
        acme = await one.new_tenant()
        room = await acme.newsroom(f"acme-{unique}")
        made = await published(acme, room, title="Launch", lead="The first lead.")
        path = f"/{room['slug']}/releases/{made['id']}"
        assert "The first lead." in lead_of(await other.http.get(path))
        assert "The first lead." in lead_of(await other.http.get(path))  # kept there

        await acme.ok("PATCH", f"/v1/releases/{made['id']}", json={"lead": "Fixed."})

        async def other_shows_it() -> bool:
            return "Fixed." in lead_of(await other.http.get(path))

        await eventually(other_shows_it, timeout_s=10)


async def test_without_a_cache_every_request_renders(settings, clock, unique) -> None:
    off = settings.model_copy(update={"page_cache_max_bytes": 0})
    async with running(off, clock) as client:
        assert client.app.state.page_cache is None
        acme = await client.new_tenant()
        room = await acme.newsroom(f"acme-{unique}")
        made = await published(acme, room, title="Launch")
        before = hits()
        for _ in range(2):
            answer = await client.http.get(f"/{room['slug']}/releases/{made['id']}")
            assert answer.status_code == 200
        assert hits() == before


async def test_hits_are_rate_limited_per_client_and_counted_under_their_route(
    settings, clock, unique
) -> None:
    strict = settings.model_copy(update={"public_rate_per_minute": 60, "public_rate_burst": 3})
    async with running(strict, clock) as client:
        acme = await client.new_tenant()
        room = await acme.newsroom(f"acme-{unique}")
        made = await published(acme, room, title="Launch")
        path = f"/{room['slug']}/releases/{made['id']}"
        statuses = [(await client.http.get(path)).status_code for _ in range(8)]
        metrics = (await client.http.get("/metrics")).text

    assert statuses[:4] == [200, 200, 200, 200]  # one render, then three hits: the burst
    assert 429 in statuses[4:]
    route = 'route="/{newsroom_slug}/releases/{release_id}"'
    counted = [line for line in metrics.splitlines() if route in line and 'status="200"' in line]
    assert counted, "cache hits are counted under the page's route"
