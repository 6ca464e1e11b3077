"""The public release page at the URL events and emails carry: what a reader, a crawler and a
cache see, and what nobody sees (drafts, scheduled or embargoed releases, other newsrooms)."""

from __future__ import annotations

import json
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any

import pytest

from .conftest import PUBLIC_WEB_ORIGIN

pytestmark = pytest.mark.connected


class Page(HTMLParser):
    """The parts of an HTML page the tests look at, read with the standard library's parser."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.json_ld: list[Any] = []
        self.text: list[str] = []
        self._in_json_ld = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.tags.append((tag, values))
        self._in_json_ld = tag == "script" and values.get("type") == "application/ld+json"

    def handle_endtag(self, tag: str) -> None:
        self._in_json_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_json_ld:
            self.json_ld.append(json.loads(data))
        elif data.strip():
            self.text.append(data.strip())

    def all(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            values
            for name, values in self.tags
            if name == tag and all(values.get(k) == v for k, v in attrs.items())
        ]

    def meta(self, key: str) -> str:
        [found] = [v for v in self.all("meta") if key in (v.get("property"), v.get("name"))]
        return found["content"]


async def published(acme: Any, room: dict[str, Any], **fields: Any) -> dict[str, Any]:
    release = await acme.release(room["id"], **fields)
    return await acme.ok("POST", f"/v1/releases/{release['id']}/publish")


async def test_a_published_release_is_a_page_people_and_machines_can_read(client, unique) -> None:
    acme = await client.new_tenant()
    slug = f"acme-{unique}"
    room = await acme.newsroom(
        slug,
        name="Acme <Newsroom>",
        contacts=[{"name": "Ann Press", "role": "PR", "email": "ann@acme.example"}],
    )
    release = await published(
        acme,
        room,
        title="Acme launches the Roadrunner 2",
        lead="Faster than ever.",
        body="<p>Today Acme <strong>launches</strong> it.<script>alert(1)</script></p>",
        language="sv",
        tags=["launch"],
    )
    path = f"/{slug}/releases/{release['id']}"
    assert release["url"] == f"{PUBLIC_WEB_ORIGIN}{path}"  # the URL events carry is the page

    answer = await client.http.get(path)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    page = Page(answer.text)
    # What a reader sees, in the page's landmarks, the article in its own language.
    assert page.all("html", lang="en")
    assert page.all("article", lang="sv")
    assert page.all("main", id="main")
    assert page.all("header")
    assert page.all("footer")
    assert len(page.all("h1")) == 1
    assert "Acme launches the Roadrunner 2" in page.text
    assert "Faster than ever." in page.text
    assert page.all("strong")  # the stored (sanitised) body, as HTML
    assert "Acme <Newsroom>" in page.text  # escaped on the way out, read back as text
    assert "<Newsroom>" not in answer.text
    assert "Ann Press" in page.text
    assert page.all("a", href="mailto:ann@acme.example")
    assert [s for s in page.all("script") if s.get("src")] == []  # no third-party script
    assert "alert(1)" not in answer.text
    # What crawlers and share cards read.
    url = release["url"]
    assert page.all("link", rel="canonical", href=url)
    assert page.all("link", rel="alternate", type="application/atom+xml", href=f"/{slug}/atom.xml")
    assert page.meta("og:type") == "article"
    assert page.meta("og:title") == "Acme launches the Roadrunner 2"
    assert page.meta("og:description") == "Faster than ever."
    assert page.meta("og:url") == url
    assert page.meta("og:site_name") == "Acme <Newsroom>"
    assert page.meta("og:locale") == "sv"
    assert page.meta("twitter:card") == "summary"
    assert page.meta("twitter:title") == "Acme launches the Roadrunner 2"
    [article] = page.json_ld
    assert article["@context"] == "https://schema.org"
    assert article["@type"] == "NewsArticle"
    assert article["headline"] == "Acme launches the Roadrunner 2"
    assert article["url"] == url
    assert article["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert article["inLanguage"] == "sv"
    assert article["datePublished"] == release["published_at"].replace("Z", "+00:00")
    assert article["publisher"] == {"@type": "Organization", "name": "Acme <Newsroom>"}
    assert article["keywords"] == ["launch"]


async def test_a_page_answers_a_conditional_get_with_304_until_it_changes(client, unique) -> None:
    acme = await client.new_tenant()
    slug = f"acme-{unique}"
    room = await acme.newsroom(slug)
    release = await published(acme, room)
    path = f"/{slug}/releases/{release['id']}"

    first = await client.http.get(path)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert parsedate_to_datetime(modified).tzinfo is not None
    assert first.headers["cache-control"] == "public, max-age=0, must-revalidate, s-maxage=60"

    same = await client.http.get(path, headers={"If-None-Match": etag})
    assert same.status_code == 304
    assert same.content == b""
    assert (same.headers["etag"], same.headers["last-modified"]) == (etag, modified)
    assert "s-maxage" in same.headers["cache-control"]
    weak = await client.http.get(path, headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    since = await client.http.get(path, headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    # If-None-Match decides when both are sent (RFC 9110, 13.2.2).
    both = await client.http.get(
        path, headers={"If-None-Match": '"x"', "If-Modified-Since": modified}
    )
    assert both.status_code == 200

    # A newsroom's change is a change of the page (its name is on it).
    client.app.state.publisher.deps.clock.advance(timedelta(seconds=5))
    await acme.ok("PATCH", f"/v1/newsrooms/{room['id']}", json={"name": "Acme News"})
    changed = await client.http.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert "Acme News" in Page(changed.text).text
    later = await client.http.get(path, headers={"If-Modified-Since": modified})
    assert later.status_code == 200
    old = format_datetime(parsedate_to_datetime(modified) - timedelta(days=1), usegmt=True)
    assert (await client.http.get(path, headers={"If-Modified-Since": old})).status_code == 200


async def test_a_withdrawn_release_is_gone_with_its_notice(client, unique) -> None:
    acme = await client.new_tenant()
    slug = f"acme-{unique}"
    room = await acme.newsroom(slug)
    release = await published(acme, room, title="Recalled product")
    path = f"/{slug}/releases/{release['id']}"
    etag = (await client.http.get(path)).headers["etag"]
    await acme.ok(
        "POST", f"/v1/releases/{release['id']}/withdraw", json={"reason": "Figures were wrong."}
    )

    for headers in ({}, {"If-None-Match": etag}):
        gone = await client.http.get(path, headers=headers)
        assert gone.status_code == 410
        page = Page(gone.text)
        assert "This release has been withdrawn" in page.text
        assert "Reason given: Figures were wrong." in page.text
        assert page.meta("robots") == "noindex"
        assert page.json_ld == []  # no longer an article to index


async def test_only_published_releases_of_that_very_newsroom_have_a_page(client, unique) -> None:
    acme, globex = await client.new_tenant("Acme"), await client.new_tenant("Globex")
    acme_room = await acme.newsroom(f"acme-{unique}")
    acme_other_room = await acme.newsroom(f"acme-b-{unique}")
    globex_room = await globex.newsroom(f"globex-{unique}")
    draft = await acme.release(acme_room["id"], title="Draft")
    scheduled = await acme.release(acme_room["id"], title="Scheduled")
    later = (client.app.state.publisher.deps.clock.now() + timedelta(days=1)).isoformat()
    await acme.ok("POST", f"/v1/releases/{scheduled['id']}/schedule", json={"publish_at": later})
    embargoed = await acme.release(acme_room["id"], title="Embargoed")
    await acme.ok("POST", f"/v1/releases/{embargoed['id']}/publish", json={"embargo_until": later})
    withdrawn_under_embargo = await acme.release(acme_room["id"], title="Never out")
    await acme.ok(
        "POST",
        f"/v1/releases/{withdrawn_under_embargo['id']}/publish",
        json={"embargo_until": later},
    )
    await acme.ok(
        "POST", f"/v1/releases/{withdrawn_under_embargo['id']}/withdraw", json={"reason": "x"}
    )
    public = await published(acme, acme_room, title="Public")

    hidden = [draft, scheduled, embargoed, withdrawn_under_embargo]
    for release in hidden:
        answer = await client.http.get(f"/acme-{unique}/releases/{release['id']}")
        assert answer.status_code == 404, release["title"]
        assert answer.headers["content-type"] == "text/html; charset=utf-8"
        assert "Page not found" in Page(answer.text).text
        assert release["title"] not in answer.text
        assert answer.headers["cache-control"] == "no-store"
    # The public release exists under its own newsroom only: not under another newsroom of
    # the same tenant, nor under another tenant's newsroom, nor under a slug nobody has.
    assert (await client.http.get(f"/acme-{unique}/releases/{public['id']}")).status_code == 200
    for slug in (acme_other_room["slug"], globex_room["slug"], f"nobody-{unique}"):
        answer = await client.http.get(f"/{slug}/releases/{public['id']}")
        assert answer.status_code == 404, slug
        assert "Public" not in Page(answer.text).text
    # A release id of one tenant under the other tenant's newsroom slug.
    globex_release = await published(globex, globex_room, title="Globex news")
    crossed = await client.http.get(f"/acme-{unique}/releases/{globex_release['id']}")
    assert crossed.status_code == 404


async def test_pages_stay_out_of_the_api_document(client) -> None:
    paths = (await client.http.get("/openapi.json")).json()["paths"]
    assert not [p for p in paths if p.startswith("/{")]
