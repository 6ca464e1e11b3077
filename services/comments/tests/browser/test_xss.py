"""The XSS corpus posted through the API and rendered by the widget in Chromium: nothing runs.

Nothing running is watched three ways: a ``window.__pwned`` trap (in the frame and in the
page), dialogs (``alert(1)`` in the corpus), and the console (a script the frame's policy
refused would be logged there). The DOM the widget built is then read: only the safe subset's
tags, links with an http(s) address and ``rel="nofollow ugc noopener"``, names as text.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Frame, Page, Route

from newsroom_testing.browser import screenshot

from .conftest import Watch, World, widget_frame

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from xss_corpus import CORPUS  # tests/ joins the path just above

pytestmark = [pytest.mark.browser, pytest.mark.connected]

# The corpus's attacks call alert(); these set a trap the test reads.
TRAPS = [
    '<img src=x onerror="window.__pwned=1">',
    "<svg onload=window.__pwned=1></svg>",
    "<script>window.__pwned=1</script>",
    '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
    '"><img src=x onerror=window.__pwned=1>',
    '<a href="javascript:window.__pwned=1">click</a>',
    '<a href="&#x6A;avascript:window.__pwned=1">click</a>',
    '<a href="https://ok.example/" onmouseover="window.__pwned=1">hover</a>',
    '<p style="background:url(javascript:window.__pwned=1)">styled</p>',
    "&lt;img src=x onerror=window.__pwned=1&gt;",
    "%3Cscript%3Ewindow.__pwned=1%3C/script%3E",
]

# Markup split across the name and the text: joined by careless rendering, it would run.
SPLIT = [
    ('<img src=x onerror="', 'window.__pwned=1">'),
    ("<script>", "window.__pwned=1</script>"),
    ("</span><svg onload=window.__pwned=1>", "x"),
]

ALLOWED = {"a", "em", "strong", "i", "b", "blockquote", "q", "code", "pre", "p", "br"}

# The widget's rendering of the comments' bodies, read back from the DOM.
READ_BODIES = """() => [...document.querySelectorAll(".comment .body *")].map((e) => ({
  tag: e.tagName.toLowerCase(),
  attributes: Object.fromEntries([...e.attributes].map((a) => [a.name, a.value])),
}))"""


async def _all_pages(frame: Frame) -> None:
    more = frame.get_by_role("button", name="Show more comments")
    while await more.is_visible():
        count = await frame.locator("ul.thread > li").count()
        await more.click()
        await frame.locator("ul.thread > li").nth(count).wait_for()


async def _hover_every_body(frame: Frame) -> None:
    for body in await frame.locator(".comment .body").all():
        if await body.is_visible():  # a body with nothing left is empty, not hoverable
            await body.hover()


def _unsafe(elements: list[dict[str, Any]]) -> list[str]:
    problems = []
    for element in elements:
        tag, attributes = element["tag"], element["attributes"]
        if tag not in ALLOWED:
            problems.append(f"<{tag}>")
            continue
        if tag != "a":
            problems.extend(f"{name} on <{tag}>" for name in attributes)
            continue
        if set(attributes) - {"href", "rel", "target"}:
            problems.append(f"attributes {sorted(attributes)} on <a>")
        href = attributes.get("href")
        if href is not None and not href.startswith(("https://", "http://")):
            problems.append(f"href {href!r}")
        if "href" in attributes and attributes.get("rel") != "nofollow ugc noopener":
            problems.append(f"rel {attributes.get('rel')!r}")
    return problems


async def _nothing_ran(page: Page, frame: Frame, watch: Watch) -> None:
    assert watch.dialogs == []
    assert await page.evaluate("window.__pwned") is None
    assert await frame.evaluate("window.__pwned") is None
    refused = [line for line in watch.console if "Content Security Policy" in line]
    assert refused == []


async def test_the_corpus_posted_through_the_api_runs_nothing_in_the_widget(
    world: World, page: Page, watch: Watch
) -> None:
    release = await world.release(mode="post")
    names = {}
    for n, attack in enumerate(CORPUS + TRAPS):
        posted = await world.comment(
            release,
            f"Look {attack} here",
            author_name=f"<b>{attack[:60]}",
            email=f"attacker{n}@example.com",
        )
        names[posted["id"]] = posted["comment"]["author_name"]  # as the API keeps it
    for n, (name, text) in enumerate(SPLIT):
        posted = await world.comment(release, text, author_name=name, email=f"split{n}@e.com")
        names[posted["id"]] = posted["comment"]["author_name"]

    await page.goto(world.page_embedding(release))
    frame = await widget_frame(page, world)
    await _all_pages(frame)
    assert await frame.locator("ul.thread > li").count() == len(names)
    await _hover_every_body(frame)  # mouseover handlers, had any survived

    await _nothing_ran(page, frame, watch)
    assert _unsafe(await frame.evaluate(READ_BODIES)) == []
    for comment_id, name in names.items():  # names are text, as typed
        author = frame.locator(f'li[data-id="{comment_id}"] .author')
        assert await author.text_content() == name
    links = await frame.locator(".comment .body a[href]").count()
    assert links > 0  # the corpus's good links are still links
    await screenshot(page, "widget-xss-corpus")


async def test_the_widget_rechecks_html_the_server_should_have_cleaned(
    world: World, page: Page, watch: Watch
) -> None:
    """Were the stored HTML ever unsafe (a sanitiser bug, an old document), the widget's own
    allow-list keeps it inert: the thread's answer is replaced here by raw attacks, and the
    frame is served without its Content-Security-Policy, so that the allow-list alone is what
    stands between them and the page."""
    release = await world.release(mode="post")
    comment = await world.comment(release, "A comment whose HTML the test replaces.")
    raw = [*CORPUS, *TRAPS, *(name + text for name, text in SPLIT)]

    async def unsanitised(route: Route) -> None:
        answer = await route.fetch()
        thread = await answer.json()
        template = thread["items"][0]
        thread["items"] = [
            {**template, "id": f"{n:024x}", "body_html": html, "author_name": html}
            for n, html in enumerate(raw)
        ]
        await route.fulfill(response=answer, body=json.dumps(thread))

    async def without_policy(route: Route) -> None:
        answer = await route.fetch()
        headers = {k: v for k, v in answer.headers.items() if k != "content-security-policy"}
        await route.fulfill(response=answer, headers=headers)

    await page.route(f"{world.origin}/v1/public/releases/{release}/comments?*", unsanitised)
    await page.route(f"{world.origin}/widget/frame?*", without_policy)
    await page.goto(world.page_embedding(release))
    frame = await widget_frame(page, world)
    assert await frame.locator("ul.thread > li").count() == len(raw)
    await _hover_every_body(frame)

    await _nothing_ran(page, frame, watch)
    assert _unsafe(await frame.evaluate(READ_BODIES)) == []
    assert comment["id"] not in await frame.content()
    assert (await frame.evaluate("document.querySelectorAll('[onerror], [onload]').length")) == 0
    await screenshot(page, "widget-raw-html")
