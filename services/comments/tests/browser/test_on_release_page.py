"""Our own release page embeds the widget: the publisher and comments apps behind the real
Caddy (the one origin, as ``./dev up`` runs it), the page's script tag at /api/comments/."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Page

from comments.main import create_app as create_comments
from comments.service.newsrooms import newsroom_changed
from comments.service.releases import release_published
from newsroom_testing import staff as staff_auth
from newsroom_testing.browser import BrowserTools, assert_accessible
from newsroom_testing.fixtures import drop_test_database
from newsroom_testing.origin import (
    PortTaken,
    caddy,
    caddy_binary,
    free_port,
    serving,
    wait_for_origin,
)
from newsroom_testing.staff import TokenAuthenticator
from publisher.config import PublisherSettings
from publisher.main import create_app as create_publisher

from ..integration.conftest import newsroom_of, published, settings_for
from .conftest import assert_frame_accessible

pytestmark = [pytest.mark.browser, pytest.mark.connected]

OPERATOR = "operator-token-for-tests"


def _publisher(infra: Any, unique: str, origin: str) -> PublisherSettings:
    return PublisherSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
        mongodb_uri=infra.mongodb_uri,
        mongodb_database=f"test_widget_publisher_{unique}",
        consumer_group=f"widget-publisher-{unique}",
        scheduler_enabled=False,
        platform_token=OPERATOR,
        public_web_origin=origin,
        public_base_url=f"{origin}/api/publisher",
        comments_public_path="/api/comments",  # as ./dev up and compose set it
        log_json=False,
        consumers_enabled=False,
    )


@asynccontextmanager
async def _origin(
    infra: Any, unique: str, mongo_client: Any, folder: Path
) -> AsyncIterator[tuple[str, httpx.AsyncClient, Any]]:
    """Publisher and comments on loopback, Caddy in front on a port chosen free."""
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    publisher = _publisher(infra, unique, origin)
    comments_settings = settings_for(infra, unique)
    comments = create_comments(comments_settings, authenticator=TokenAuthenticator(None))
    try:
        async with (
            serving(create_publisher(publisher), "/api/publisher") as publisher_port,
            serving(comments, "/api/comments") as comments_port,
        ):
            ports = {"publisher": publisher_port, "comments": comments_port}
            with caddy(caddy_binary(), folder, port, ports) as log:
                async with httpx.AsyncClient(base_url=origin, timeout=10) as http:
                    await wait_for_origin(http, log)
                    yield origin, http, comments
    finally:
        await drop_test_database(mongo_client, publisher.database_name)
        await drop_test_database(mongo_client, comments_settings.database_name)


@pytest.fixture
async def one_origin(
    infra: Any, unique: str, mongo_client: Any, tmp_path: Path
) -> AsyncIterator[tuple[str, httpx.AsyncClient, Any]]:
    for attempt in range(1, 4):  # a port found free can be taken before Caddy binds it
        folder = tmp_path / f"site-{attempt}"
        folder.mkdir()
        try:
            async with _origin(infra, unique, mongo_client, folder) as found:
                yield found
            return
        except PortTaken:
            if attempt == 3:
                raise


async def _ok(http: httpx.AsyncClient, method: str, url: str, status: int, **kw: Any) -> Any:
    answer = await http.request(method, url, **kw)
    assert answer.status_code == status, f"{method} {url}: {answer.status_code} {answer.text}"
    return answer.json()


async def test_the_release_page_shows_its_comments_and_takes_new_ones(
    one_origin: tuple[str, httpx.AsyncClient, Any], page: Page, tools: BrowserTools, unique: str
) -> None:
    origin, http, comments = one_origin
    operator = {"Authorization": f"Bearer {OPERATOR}"}
    made = await _ok(
        http, "POST", "/api/publisher/v1/tenants", 201, json={"name": "Acme"}, headers=operator
    )
    tenant, admin = made["tenant"]["id"], {"Authorization": f"Bearer {made['api_key']['token']}"}
    slug = f"acme-{unique}"
    body = {"name": "Acme Newsroom", "slug": slug, "default_language": "en"}
    room = await _ok(http, "POST", "/api/publisher/v1/newsrooms", 201, json=body, headers=admin)
    body = {"newsroom_id": room["id"], "title": "Roadrunner 2", "lead": "Faster."}
    draft = await _ok(http, "POST", "/api/publisher/v1/releases", 201, json=body, headers=admin)
    release = await _ok(
        http, "POST", f"/api/publisher/v1/releases/{draft['id']}/publish", 200, headers=admin
    )
    # What comments would learn from the publisher's events (its consumers are off here).
    event = published(tenant, release_id=release["id"], newsroom_id=room["id"], url=release["url"])
    async with comments.state.comments.uow() as uow:
        await newsroom_changed(uow, newsroom_of(event))
        await release_published(uow, event)
    settings = f"/api/comments/v1/newsrooms/{room['id']}/comment-settings"
    await _ok(http, "PUT", settings, 200, json={"mode": "post"}, headers=staff_auth.headers(tenant))
    url = f"/api/comments/v1/public/releases/{release['id']}/comments"
    first = {"author_name": "Jane", "email": "jane@example.com", "text": "When does it ship?"}
    await _ok(http, "POST", url, 201, json=first)

    await page.goto(release["url"])
    await page.wait_for_selector("iframe")
    frame = next(f for f in page.frames if f.url.startswith(f"{origin}/api/comments/widget/"))
    await frame.wait_for_selector('main[aria-busy="false"]')
    assert await page.get_by_role("heading", name="Comments", exact=True).is_visible()
    assert await frame.get_by_role("heading", level=2).inner_text() == "1 comment"
    assert await frame.get_by_text("When does it ship?").is_visible()

    await frame.get_by_label("Name").fill("Ada")
    await frame.get_by_label("Email (never shown)").fill("ada@example.com")
    await frame.get_by_label("Comment", exact=True).fill("Congratulations on the launch!")
    await frame.get_by_role("button", name="Post comment").click()
    await frame.get_by_role("status").filter(has_text="Your comment is published.").wait_for()
    assert await frame.get_by_role("heading", level=2).inner_text() == "2 comments"
    await assert_accessible(page, tools, "widget-release-page")
    await assert_frame_accessible(page, frame, tools, "widget-release-page-frame")
