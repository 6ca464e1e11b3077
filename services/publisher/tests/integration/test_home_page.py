"""The newsroom's home page in its own look: the logo in every page's masthead, the brand
colour as computed CSS colours, the featured media of its latest releases and the subscribe
form; tenant isolation of the logo; and what a home page costs in database commands."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from pymongo import monitoring

from newsroom_shared.events.media import MediaDeleted
from publisher.domain.colours import palette
from publisher.entrypoints.web.brand import DARK_BACKGROUND, LIGHT_BACKGROUND

from .test_release_page import Page, published
from .test_release_pictures import apply, processed

pytestmark = pytest.mark.connected

# Commands of the app's loops, not of a request: the outbox relay, leases, the page poll.
BACKGROUND = {"outbox", "leases", "page_versions", "-"}


class RequestCommands(monitoring.CommandListener):
    """Counts the commands sent to one database about one tenant's pages (PyMongo command
    monitoring): those that name ``about`` (its id, its newsroom's slug), so the scheduler's
    loop and the like are left out. Registered once for the process, counting only while a
    test asks it to."""

    def __init__(self) -> None:
        self.database: str | None = None
        self.about: tuple[str, ...] = ()
        self.seen: Counter[str] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.database_name != self.database:
            return
        if not any(name in str(event.command) for name in self.about):
            return
        collection = event.command.get(event.command_name)
        name = collection if isinstance(collection, str) else "-"
        if name not in BACKGROUND:
            self.seen[f"{event.command_name} {name}"] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None: ...

    def failed(self, event: monitoring.CommandFailedEvent) -> None: ...


COMMANDS = RequestCommands()
monitoring.register(COMMANDS)  # before any app's client is made: every client sees it


async def commands_of(
    database: str, about: tuple[str, ...], call: Callable[[], Awaitable[Any]]
) -> Counter[str]:
    COMMANDS.database, COMMANDS.about, COMMANDS.seen = database, about, Counter()
    try:
        await call()
    finally:
        COMMANDS.database = None
    return COMMANDS.seen


def logo_event(tenant_id: str, media_id: str, at: Any, **fields: Any) -> Any:
    return processed(tenant_id, media_id, at, **fields)


async def branded_newsroom(client: Any, clock: Any, unique: str, **fields: Any) -> Any:
    """A tenant with a newsroom that has a processed logo and the yellow brand colour, and
    three published releases with a picture each."""
    acme = await client.new_tenant()
    logo = f"logo-{unique}"
    await apply(client, logo_event(acme.id, logo, clock.now(), alt_text="a file"))
    room = await acme.newsroom(
        f"acme-{unique}", name="Acme & Co", logo_media_id=logo, brand_color="#FFD500", **fields
    )
    releases = []
    for n in range(3):
        picture = f"p{n}-{unique}"
        await apply(client, processed(acme.id, picture, clock.now(), alt_text=f"Picture {n}"))
        releases.append(await published(acme, room, title=f"Release {n}", media_ids=[picture]))
    return acme, room, logo, releases


def masthead_logo(page: Page) -> list[dict[str, str]]:
    return [i for i in page.all("img") if "/logo-" in i["src"]]


async def test_the_home_page_has_the_logo_colours_featured_media_and_the_form(
    client, clock, unique
) -> None:
    _, room, logo, releases = await branded_newsroom(client, clock, unique)
    slug = room["slug"]
    assert room["brand_color"] == "#ffd500"

    answer = await client.http.get(f"/{slug}/")
    page = Page(answer.text)

    [img] = masthead_logo(page)
    assert img["alt"] == "Acme & Co"  # the newsroom's name, not the file's description
    assert (img["width"], img["height"]) == ("1600", "1200")  # no layout shift
    assert img["src"] == f"https://media.example/{logo}/web"
    assert img["sizes"] == "64px"  # 48 CSS pixels high, 4:3
    colours = palette("#ffd500", light_background=LIGHT_BACKGROUND, dark_background=DARK_BACKGROUND)
    assert f"--brand: #ffd500; --on-brand: {colours.on_brand};" in answer.text
    assert f"--accent: {colours.accent_light};" in answer.text
    assert f"--accent: {colours.accent_dark};" in answer.text
    assert colours.accent_light != "#ffd500"  # yellow links on white would not read
    [organization] = page.json_ld
    assert organization["logo"] == f"https://media.example/{logo}/web"

    featured = re.search(r'<section class="featured".*?</section>', answer.text, re.S)
    assert featured is not None
    section = Page(featured.group(0))
    assert [a["href"] for a in section.all("a")] == [
        f"/{slug}/releases/{r['id']}"
        for r in reversed(releases)  # newest first
    ]
    assert [i["alt"] for i in section.all("img")] == ["Picture 2", "Picture 1", "Picture 0"]
    assert all(i["loading"] == "lazy" and i["width"] and i["height"] for i in section.all("img"))
    assert [s["type"] for s in section.all("source")][:2] == ["image/avif", "image/webp"]
    assert "Release 2" in section.text

    [form] = page.all("form", **{"class": "subscribe"})
    assert form["method"] == "post"
    assert form["action"] == f"/api/distribution/v1/public/newsrooms/{slug}/subscribers/form"
    assert page.all("label", **{"for": "email"})
    assert page.all("input", id="email", type="email")


async def test_every_page_of_the_newsroom_shows_the_logo(client, clock, unique) -> None:
    acme, room, _, releases = await branded_newsroom(client, clock, unique)
    slug = room["slug"]
    await acme.ok("PATCH", f"/v1/releases/{releases[0]['id']}", json={"tags": ["launch"]})
    paths = [
        f"/{slug}/",
        f"/{slug}/releases/{releases[0]['id']}",
        f"/{slug}/tags/launch/",
        f"/{slug}/archive/",
        f"/{slug}/search?q=release",
        f"/{slug}/subscribe",
        f"/{slug}/subscribe/sent",
        f"/{slug}/subscription/confirmed",
        f"/{slug}/subscription/confirm/{'a' * 20}",
        f"/{slug}/subscription/unsubscribe/{'a' * 20}",
    ]
    for path in paths:
        answer = await client.http.get(path)
        assert answer.status_code == 200, path
        page = Page(answer.text)
        [img] = masthead_logo(page)
        assert img["alt"] == "Acme & Co", path
        assert "--brand: #ffd500" in answer.text, path
        if "/releases/" in path:  # the article's publisher has the logo too
            [article] = page.json_ld
            assert article["publisher"]["logo"]["url"] == img["src"]


async def test_a_deleted_logo_leaves_the_name_and_the_page_changes_at_once(
    client, clock, unique
) -> None:
    acme, room, logo, _ = await branded_newsroom(client, clock, unique)
    home = f"/{room['slug']}/"
    first = await client.http.get(home)
    assert masthead_logo(Page(first.text))
    assert (await client.http.get(home)).text == first.text  # from the page cache

    # A new rendition of the logo (the media service reprocessed it) shows at once.
    clock.advance(timedelta(minutes=1))
    again = logo_event(acme.id, logo, clock.now())
    moved = [r.model_copy(update={"url": f"{r.url}-v2"}) for r in again.renditions]
    renamed = again.model_copy(update={"renditions": moved})
    await apply(client, renamed)
    second = await client.http.get(home, headers={"If-None-Match": first.headers["etag"]})
    assert second.status_code == 200
    [img] = masthead_logo(Page(second.text))
    assert img["src"].endswith("/web-v2")

    clock.advance(timedelta(minutes=1))
    await apply(client, MediaDeleted(tenant_id=acme.id, media_id=logo, deleted_at=clock.now()))
    third = await client.http.get(home)
    page = Page(third.text)
    assert masthead_logo(page) == []
    assert "Acme & Co" in page.text  # the name in the masthead instead
    assert "logo" not in page.json_ld[0]


async def test_a_logo_must_be_a_processed_image_of_the_tenant(client, clock, unique) -> None:
    acme = await client.new_tenant()
    other = await client.new_tenant("Other")
    theirs, pdf, rejected_later = f"theirs-{unique}", f"pdf-{unique}", f"ours-{unique}"
    await apply(client, processed(other.id, theirs, clock.now()))
    document = {"kind": "document", "content_type": "application/pdf", "renditions": []}
    await apply(client, processed(acme.id, pdf, clock.now()).model_copy(update=document))
    await apply(client, processed(acme.id, rejected_later, clock.now()))

    for media_id, reason in [
        (theirs, "not a processed media item of this tenant"),
        (f"unknown-{unique}", "not a processed media item of this tenant"),
        (pdf, "not an image"),
    ]:
        body = {"name": "Acme", "slug": f"acme-{unique}", "default_language": "en"}
        answer = await acme.request(
            "POST", "/v1/newsrooms", json={**body, "logo_media_id": media_id}
        )
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert reason in answer.text
    room = await acme.newsroom(f"acme-{unique}")
    refused = await acme.request(
        "PATCH", f"/v1/newsrooms/{room['id']}", json={"logo_media_id": theirs}
    )
    assert refused.status_code == 422
    changed = await acme.ok(
        "PATCH", f"/v1/newsrooms/{room['id']}", json={"logo_media_id": rejected_later}
    )
    assert changed["logo_media_id"] == rejected_later
    cleared = await acme.ok("PATCH", f"/v1/newsrooms/{room['id']}", json={"logo_media_id": None})
    assert cleared["logo_media_id"] is None


async def test_another_tenants_item_is_never_shown_as_a_logo(client, clock, unique) -> None:
    """Even stored directly (a newsroom from before the check), the page looks the logo up in
    the newsroom's own tenant only."""
    acme = await client.new_tenant()
    other = await client.new_tenant("Other")
    theirs = f"theirs-{unique}"
    await apply(client, processed(other.id, theirs, clock.now()))
    room = await acme.newsroom(f"acme-{unique}")
    db = client.app.state.publisher.runtime.db
    await db.newsrooms.update_one({"_id": room["id"]}, {"$set": {"logo_media_id": theirs}})

    page = Page((await client.http.get(f"/{room['slug']}/")).text)

    assert [i for i in page.all("img") if theirs in i["src"]] == []


@pytest.mark.parametrize("bad", ["yellow", "#ffd50", "#ffd5000", "ffd500", "#ggg000", "#fd0;x"])
async def test_a_malformed_brand_colour_is_a_422(client, unique, bad: str) -> None:
    acme = await client.new_tenant()
    body = {"name": "Acme", "slug": f"acme-{unique}", "default_language": "en"}
    created = await acme.request("POST", "/v1/newsrooms", json={**body, "brand_color": bad})
    room = await acme.newsroom(f"acme-{unique}")
    patched = await acme.request("PATCH", f"/v1/newsrooms/{room['id']}", json={"brand_color": bad})

    for answer in (created, patched):
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert "brand_color" in answer.text


async def test_a_brand_colour_is_set_changed_and_cleared(client, unique) -> None:
    acme = await client.new_tenant()
    room = await acme.newsroom(f"acme-{unique}", brand_color="#0B57D0")
    assert room["brand_color"] == "#0b57d0"
    url = f"/v1/newsrooms/{room['id']}"

    kept = await acme.ok("PATCH", url, json={"name": "Acme 2"})
    cleared = await acme.ok("PATCH", url, json={"brand_color": None})
    page = await client.http.get(f"/{room['slug']}/")

    assert kept["brand_color"] == "#0b57d0"
    assert cleared["brand_color"] is None
    assert "--brand:" not in page.text


async def test_the_home_page_costs_one_media_read_for_logo_and_featured_media(
    client, clock, unique, settings
) -> None:
    acme, room, _, _ = await branded_newsroom(client, clock, unique)
    slug, about = room["slug"], (acme.id, room["slug"])
    await client.http.get(f"/{slug}/archive/")  # the map of custom domains loaded

    home = await commands_of(settings.database_name, about, lambda: client.http.get(f"/{slug}/"))
    later = await commands_of(settings.database_name, about, lambda: client.http.get(f"/{slug}/"))

    # The newsroom, its releases, and one batched read of the logo and the releases' pictures.
    assert home == {"find newsrooms": 1, "find releases": 1, "find media": 1}
    assert sum(later.values()) == 0  # served from the page cache
