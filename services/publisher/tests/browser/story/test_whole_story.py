"""Issue 14's story, whole, through the one origin: staff make a newsroom and publish a release
with a picture (through the APIs); a reader finds it in Chromium, sees the picture, opens the
pictures and their full-size original, downloads the press kit, subscribes, confirms from the
email in the Maildir, and receives the next release. axe-core checks every page visited;
screenshots land in ``test-artifacts/browser/story-*``."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw
from playwright.async_api import Page

from newsroom_testing.browser import BrowserTools, assert_accessible, assert_frame_accessible
from newsroom_testing.consumer import eventually

from ..conftest import Staff
from .conftest import WholeSite

# The default 120 s covers a test body of seconds; this one waits on several event hops.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.connected,
    pytest.mark.slow,
    pytest.mark.timeout(300),
]

READER = "reader@example.org"
ALT = "The Roadrunner 2, red, on a desert road at dawn"
CREDIT = "Jane Doe / Acme"
CAPTION = "The Roadrunner 2 on its first test drive"
# Each wait below covers a hop or two through the broker (a consumer group joins first) or the
# rendition worker: generous, since a slow shared machine is not a failure of the story.
ASYNC_STEP_S = 90.0


def a_photo() -> bytes:
    """A real JPEG, made here: a sky-to-sand gradient with a red car-ish shape."""
    sky = Image.linear_gradient("L").resize((1600, 900))
    photo = Image.merge("RGB", (sky, sky, Image.new("L", sky.size, 200)))
    draw = ImageDraw.Draw(photo)
    draw.rectangle((500, 520, 1100, 700), fill=(200, 30, 30))
    draw.ellipse((560, 650, 680, 770), fill=(20, 20, 20))
    draw.ellipse((920, 650, 1040, 770), fill=(20, 20, 20))
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=85)
    return out.getvalue()


async def media_api(staff: Staff, method: str, url: str, **kw: Any) -> Any:
    """A request to media's API with the staff key (media's copy of it comes from events)."""
    headers = {"Authorization": f"Bearer {staff.token}", **kw.pop("headers", {})}
    return await staff.http.request(method, f"/api/media/v1{url}", headers=headers, **kw)


async def uploaded_picture(staff: Staff, photo: bytes) -> dict[str, Any]:
    """The photo uploaded, once media knows the key; described once media has processed it."""

    async def upload() -> dict[str, Any] | None:
        answer = await media_api(
            staff,
            "POST",
            "/media",
            params={"filename": "roadrunner.jpg"},
            content=photo,
            headers={"Content-Type": "image/jpeg"},
        )
        assert answer.status_code in (201, 401), answer.text  # 401: key not known yet
        return answer.json() if answer.status_code == 201 else None  # type: ignore[no-any-return]

    item = await eventually(upload, "media to know the key", timeout_s=ASYNC_STEP_S)

    async def processed() -> bool:
        answer = await media_api(staff, "GET", f"/media/{item['id']}")
        status = answer.json()["status"]
        assert status != "rejected", answer.text
        return bool(status == "processed")

    await eventually(processed, "the picture's renditions", timeout_s=ASYNC_STEP_S)
    fields = {"alt_text": ALT, "credit": CREDIT, "caption": CAPTION, "licence": "CC BY 4.0"}
    answer = await media_api(staff, "PATCH", f"/media/{item['id']}", json=fields)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


async def published_once_described(staff: Staff, release_id: str) -> dict[str, Any]:
    """Publishes as soon as the publisher has heard (MediaProcessed) that the picture is
    processed and described: until then it refuses with 422 media_not_publishable."""

    async def publish() -> dict[str, Any] | None:
        headers = {"Authorization": f"Bearer {staff.token}"}
        url = f"/api/publisher/v1/releases/{release_id}/publish"
        answer = await staff.http.post(url, headers=headers)
        assert answer.status_code in (200, 422), answer.text
        if answer.status_code == 422:
            assert "media_not_publishable" in answer.text, answer.text
            return None
        return answer.json()  # type: ignore[no-any-return]

    return await eventually(publish, "the publisher to hear of the picture", timeout_s=ASYNC_STEP_S)


async def public_to_every_service(site: WholeSite, release: dict[str, Any], tenant: str) -> None:
    """Until media (the picture's files, the press kit) and comments (the widget's thread) have
    consumed the ReleasePublished: the page itself is the publisher's and public at once."""
    gallery = f"/api/media/v1/public/{tenant}/releases/{release['id']}/gallery"
    thread = f"/api/comments/v1/public/releases/{release['id']}/comments"

    async def known() -> bool:
        answers = [await site.http.get(gallery), await site.http.get(thread)]
        return all(a.status_code == 200 for a in answers)

    await eventually(known, "media and comments to know the release", timeout_s=ASYNC_STEP_S)


async def test_a_reader_finds_a_release_with_a_picture_and_subscribes(
    whole_site: WholeSite, page: Page, tools: BrowserTools, unique: str, tmp_path: Path
) -> None:
    site = whole_site
    # Staff, through the one origin's APIs.
    staff = await site.new_tenant()
    me = await staff.ok("GET", "/tenant")
    slug = f"acme-{unique}"
    room = await staff.newsroom(slug, name="Acme Newsroom", description="News from Acme.")
    await staff.email_channel(room["id"], timeout_s=90)
    photo = a_photo()
    picture = await uploaded_picture(staff, photo)
    body = {
        "newsroom_id": room["id"],
        "title": "Acme launches the Roadrunner 2",
        "lead": "Faster than ever.",
        "body": "<p>Today Acme <strong>launches</strong> it.</p>",
        "media_ids": [picture["id"]],
    }
    draft = await staff.ok("POST", "/releases", 201, json=body)
    gallery = {
        "title": "The Roadrunner 2",
        "release_id": draft["id"],
        "items": [{"media_id": picture["id"], "caption": CAPTION}],
    }
    answer = await media_api(staff, "POST", "/galleries", json=gallery)
    assert answer.status_code == 201, answer.text
    release = await published_once_described(staff, draft["id"])
    # Published with the picture it checked, even when the draft was made as the publisher
    # recorded the picture's news (its ref then stayed pending, and the page showed no picture).
    assert [m["status"] for m in release["media"]] == ["ready"], release["media"]
    await public_to_every_service(site, release, me["id"])

    # The reader finds it from the newsroom's home.
    await page.goto(f"{site.origin}/{slug}/")
    await assert_accessible(page, tools, "story-home")
    await page.get_by_role("link", name="Acme launches the Roadrunner 2", exact=True).click()
    await page.wait_for_url(release["url"])
    heading = page.get_by_role("heading", level=1)
    assert await heading.inner_text() == "Acme launches the Roadrunner 2"

    # Its picture loads, described.
    image = page.get_by_role("img", name=ALT)
    await image.scroll_into_view_if_needed()
    loaded = "img => img.complete && img.naturalWidth > 0"
    await eventually(lambda: image.evaluate(loaded), "the picture to load")
    await assert_accessible(page, tools, "story-release")

    # The comments service's widget shows the release's (empty) thread under the article.
    await page.get_by_role("heading", name="Comments", exact=True).scroll_into_view_if_needed()
    widget = f"{site.origin}/api/comments/widget/"
    await page.wait_for_selector("iframe")
    frame = next(f for f in page.frames if f.url.startswith(widget))
    await frame.wait_for_selector('main[aria-busy="false"]')
    assert await frame.get_by_role("heading", level=2).first.inner_text() == "0 comments"
    await assert_frame_accessible(page, frame, tools, "story-release-comments")

    # The pictures section: the caption, the credit, and the full-size original.
    pictures = page.get_by_role("region", name="Pictures")
    await pictures.get_by_role("heading", name="Pictures").scroll_into_view_if_needed()
    assert CAPTION in await pictures.inner_text()
    assert f"Photo: {CREDIT}" in await pictures.inner_text()
    async with page.expect_download() as original_download:
        await pictures.get_by_role("link", name="Download the original").click()
    original = await (await original_download.value).path()
    assert hashlib.sha256(original.read_bytes()).digest() == hashlib.sha256(photo).digest()

    # The press kit: the picture and its manifest, credit included.
    async with page.expect_download() as kit_download:
        await page.get_by_role("link", name=re.compile("Download the press kit")).click()
    kit = await kit_download.value
    saved = tmp_path / kit.suggested_filename
    await kit.save_as(saved)
    with zipfile.ZipFile(saved) as zipped:
        names = zipped.namelist()
        assert "01-roadrunner.jpg" in names, names
        assert zipped.read("01-roadrunner.jpg") == photo
        manifest = json.loads(zipped.read("manifest.json"))
    [described] = manifest["files"]
    assert (described["credit"], described["alt_text"]) == (CREDIT, ALT)

    # The reader subscribes with the page's form.
    await page.get_by_role("link", name="Get releases by email").click()
    await page.wait_for_url(f"{site.origin}/{slug}/subscribe")
    await assert_accessible(page, tools, "story-subscribe")
    await page.get_by_label("Your email address").fill(READER)
    await page.get_by_role("button", name="Subscribe").click()
    await page.wait_for_url(f"{site.origin}/{slug}/subscribe/sent")
    await assert_accessible(page, tools, "story-subscribe-sent")

    # ... and confirms with the link of the email in the Maildir.
    confirm = await eventually(
        lambda: site.maildir.link(READER, r"http://\S+/confirm/\S+"),
        "the confirmation email in the Maildir",
        timeout_s=ASYNC_STEP_S,
    )
    await page.goto(confirm)
    await page.wait_for_url(re.compile(rf"{site.origin}/{slug}/subscription/confirm/"))
    await assert_accessible(page, tools, "story-confirm")
    await page.get_by_role("button", name="Confirm").click()
    await page.wait_for_url(f"{site.origin}/{slug}/subscription/confirmed")
    await assert_accessible(page, tools, "story-confirmed")

    # The next release reaches the reader's mailbox; its link opens the release page.
    second = await staff.published(room["id"], "Acme opens an office in Lund")
    read = await eventually(
        lambda: site.maildir.link(READER, r"Read the release: (\S+)", subject="Lund"),
        "the next release's email in the Maildir",
        timeout_s=ASYNC_STEP_S,
    )
    assert read == second["url"]
    await page.goto(read)
    heading = page.get_by_role("heading", level=1)
    assert await heading.inner_text() == "Acme opens an office in Lund"
    await assert_accessible(page, tools, "story-next-release")
