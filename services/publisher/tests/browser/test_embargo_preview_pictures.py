"""An invited journalist opens an embargoed release's preview and sees its pictures, in
Chromium through the one origin, with the media service behind it: the picture's link is
signed by the publisher with media's keys; the same file without the signature is not served."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from PIL import Image
from playwright.async_api import Page

from newsroom_testing.browser import BrowserTools, assert_accessible
from newsroom_testing.consumer import eventually

from .conftest import Site, Staff

pytestmark = [pytest.mark.browser, pytest.mark.connected, pytest.mark.slow]


def jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(out, "JPEG", quality=90)
    return out.getvalue()


async def described_picture(staff: Staff) -> str:
    """An image uploaded to media (once media knows the key), processed, with alt text."""
    sent: dict[str, Any] = {}

    async def uploaded() -> bool:
        answer = await staff.media(
            "POST",
            "/media",
            params={"filename": "launch.jpg"},
            content=jpeg(1200, 800),
            headers={"Content-Type": "application/octet-stream"},
        )
        sent.update(answer.json())
        return answer.status_code == 201  # 401 until media has the publisher's key

    await eventually(uploaded, timeout_s=60)
    media_id = str(sent["id"])

    async def processed() -> bool:
        answer = await staff.media("GET", f"/media/{media_id}")
        return bool(answer.json()["status"] == "processed")

    await eventually(processed, timeout_s=60)
    answer = await staff.media("PATCH", f"/media/{media_id}", json={"alt_text": "The rocket"})
    assert answer.status_code == 200, answer.text
    return media_id


async def test_an_invited_journalist_sees_the_embargoed_pictures(
    media_site: Site, page: Page, tools: BrowserTools, unique: str
) -> None:
    staff = await media_site.new_tenant()
    room = await staff.newsroom(f"acme-{unique}", name="Acme Newsroom")
    media_id = await described_picture(staff)
    release = await staff.ok(
        "POST",
        "/releases",
        201,
        json={"newsroom_id": room["id"], "title": "Acme buys Globex", "media_ids": [media_id]},
    )
    lift = {"embargo_until": (datetime.now(UTC) + timedelta(days=1)).isoformat()}
    refused: list[str] = []

    async def embargoed() -> bool:
        # 422 media_not_publishable until the publisher has heard media's description.
        answer = await staff.http.post(
            f"/api/publisher/v1/releases/{release['id']}/publish",
            json=lift,
            headers={"Authorization": f"Bearer {staff.token}"},
        )
        refused.append(answer.text)
        return answer.status_code == 200

    try:
        await eventually(embargoed, "the release embargoed", timeout_s=60)
    except AssertionError as error:
        raise AssertionError(f"the last refusal: {refused[-1]}") from error
    link = await staff.ok("POST", f"/releases/{release['id']}/preview-links", 201)

    await page.goto(link["url"])
    picture = page.get_by_role("img", name="The rocket")
    await picture.wait_for()
    await page.wait_for_function(
        "() => [...document.images].every(i => i.complete && i.naturalWidth > 0)"
    )
    assert await picture.evaluate("i => i.naturalWidth") > 0
    shown = str(await picture.evaluate("i => i.currentSrc"))
    assert shown.startswith(f"{media_site.origin}/api/media/files/")
    assert "signature=" in shown
    assert await page.locator('meta[name="robots"]').get_attribute("content") == (
        "noindex, nofollow, noarchive"
    )
    await assert_accessible(page, tools, "embargo-preview-pictures")

    signed = await media_site.http.get(shown)
    assert signed.status_code == 200
    parts = urlsplit(shown)
    unsigned = await media_site.http.get(urlunsplit((*parts[:3], "", "")))
    assert unsigned.status_code == 404  # not public until the lift: like no file at all
    forged = shown.replace("signature=", "signature=x")
    assert (await media_site.http.get(forged)).status_code == 403
