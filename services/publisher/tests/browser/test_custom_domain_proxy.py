"""A newsroom's own domain through the real proxy: Caddy passes any Host on to the pages, and
the publisher picks the newsroom by it (no browser needed: HTTP with a Host header)."""

from __future__ import annotations

import pytest

from .conftest import Site

pytestmark = pytest.mark.connected


async def test_a_domain_reaches_its_newsroom_through_the_proxy(site: Site, unique: str) -> None:
    staff = await site.new_tenant()
    domain = f"news.{unique}.example"
    room = await staff.newsroom(f"acme-{unique}", name="Acme Newsroom")
    release = await staff.published(room["id"], "Roadrunner 2", lead="Faster.")
    await staff.ok("PATCH", f"/newsrooms/{room['id']}", json={"domain": domain})
    other = await site.new_tenant("Other")
    theirs = await other.newsroom(f"other-{unique}")
    hidden = await other.published(theirs["id"], "Not Acme's")
    on_domain = {"Host": domain}

    page = await site.http.get(f"/releases/{release['id']}", headers=on_domain)
    assert page.status_code == 200, page.text
    url = f"https://{domain}/releases/{release['id']}"
    assert f'<link rel="canonical" href="{url}">' in page.text
    assert (await site.http.get(f"/releases/{hidden['id']}", headers=on_domain)).status_code == 404

    moved = await site.http.get(f"/{room['slug']}/releases/{release['id']}")
    assert (moved.status_code, moved.headers["location"]) == (301, url)
    # The APIs stay where they are on the domain too (the proxy routes /api/ on every host).
    health = await site.http.get("/api/publisher/healthz", headers=on_domain)
    assert health.status_code == 200
    # Any other host is the platform: the other newsroom's page is where it was.
    assert (await site.http.get(hidden["url"].removeprefix(site.origin))).status_code == 200
