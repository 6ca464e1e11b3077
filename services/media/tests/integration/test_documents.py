"""Documents: a PDF's first page previewed (a locked PDF kept without one), DOCX and PPTX told
by their content and offered for download, and the attack corpus of videos and documents."""

from __future__ import annotations

import io
import zipfile

import httpx
import pytest
from media_support import corpus, office, videos
from media_support.app import headers, local_path, media_api, media_of, settings_for
from media_support.flows import apply_release_event, outbox_events, processed, upload
from media_support.releases import published

from media.domain.kinds import DOCX, PPTX
from newsroom_testing.fixtures import drop_test_database

pytestmark = pytest.mark.connected
A = headers("tenant-a")

REFUSED = [
    ("html as .mp4", corpus.html_named_jpg(), "clip.mp4", 415, "unsupported_media_type", "bytes"),
    ("truncated mp4", videos.truncated_mp4(), "clip.mp4", 422, "truncated", "incomplete"),
    ("pdf polyglot", corpus.pdf() + office.plain_zip(), "doc.pdf", 422, "polyglot", "ZIP"),
    ("macro docm", office.docm(), "report.docx", 415, "macro_enabled", "macro"),
    ("plain zip", office.plain_zip(), "report.docx", 415, "unsupported_media_type", "ZIP"),
]


async def nothing_stored(api: httpx.AsyncClient) -> None:
    db = media_of(api).runtime.db
    assert await db["items"].count_documents({}) == 0
    assert await db["fs.files"].count_documents({}) == 0


@pytest.mark.parametrize(
    ("data", "name", "status", "code", "says"),
    [case[1:] for case in REFUSED],
    ids=[case[0] for case in REFUSED],
)
async def test_a_bad_video_or_document_is_refused_and_leaves_nothing(
    api: httpx.AsyncClient, data: bytes, name: str, status: int, code: str, says: str
) -> None:
    answer = await upload(api, data, name)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == code
    assert says in answer.json()["detail"]
    await nothing_stored(api)


async def test_a_pdf_gets_a_preview_of_its_first_page(api: httpx.AsyncClient) -> None:
    item = await processed(api, (await upload(api, corpus.pdf(), "facts.pdf")).json()["id"])
    assert item["status"] == "processed", item
    files = {f["name"]: f for f in item["files"]}
    assert (files["web"]["width"], files["web"]["height"]) == (1600, 800)
    assert {"thumbnail", "social_card", "social_card_webp"} < set(files)
    assert item["blurhash"]


async def test_a_locked_pdf_is_kept_without_a_preview(api: httpx.AsyncClient) -> None:
    answer = await upload(api, corpus.encrypted_pdf(), "locked.pdf")
    item = await processed(api, answer.json()["id"])
    # The reason first: pytest cuts a long dict short (a rejection seen once in a full run).
    assert item["status"] == "processed", item["reason"]
    assert [f["name"] for f in item["files"]] == ["original"]


@pytest.mark.parametrize(
    ("data", "content_type", "name"),
    [(office.docx(), DOCX, "Facts.docx"), (office.pptx(), PPTX, "Deck.pptx")],
    ids=["docx", "pptx"],
)
async def test_office_files_are_offered_for_download(
    api: httpx.AsyncClient, data: bytes, content_type: str, name: str
) -> None:
    answer = await upload(api, data, name.replace(".", "-") + ".bin")  # the name says nothing
    assert answer.status_code == 201, answer.text
    assert (answer.json()["kind"], answer.json()["content_type"]) == ("document", content_type)
    item = await processed(api, answer.json()["id"])
    assert item["status"] == "processed", item
    files = {f["name"]: f for f in item["files"]}
    assert set(files) == {"original", "public_original"}  # the same package, authors blanked
    for name in files:
        served = await api.get(local_path(files[name]["url"]), headers=A)
        assert served.status_code == 200
        assert served.headers["content-type"] == content_type
        assert served.headers["content-disposition"].startswith("attachment;")
        assert served.headers["x-content-type-options"] == "nosniff"
        if name == "original":
            assert served.content == data
        else:
            assert zipfile.ZipFile(io.BytesIO(served.content)).testzip() is None


async def test_a_docx_reaches_the_public_without_its_authors_names(
    api: httpx.AsyncClient,
) -> None:
    data = office.docx_with_authors()
    answer = await upload(api, data, "Launch.docx")
    item = await processed(api, answer.json()["id"])
    assert item["status"] == "processed", item
    files = {f["name"]: local_path(f["url"]) for f in item["files"]}
    await apply_release_event(api, published("r1", [item["id"]]))
    assert (await api.get(files["original"])).status_code == 404  # the upload: staff only
    public = await api.get(files["public_original"])
    assert public.status_code == 200
    core = zipfile.ZipFile(io.BytesIO(public.content)).read("docProps/core.xml")
    assert b"Jane-Secret" not in core
    assert b"jsecret-login" not in core
    staff = await api.get(f"/v1/media/{item['id']}/original", headers=A)
    assert staff.content == data


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (office.docx_bomb_by_entries(10_001), "archive entries"),
        (office.docx_hiding_macros(), "macros"),
    ],
    ids=["zip bomb by entries", "macros behind a docx name"],
)
async def test_the_worker_rejects_a_docx_bomb(
    api: httpx.AsyncClient, data: bytes, says: str
) -> None:
    answer = await upload(api, data, "report.docx")
    assert answer.status_code == 201, answer.text
    item = await processed(api, answer.json()["id"])
    assert item["status"] == "rejected", item
    assert says in item["reason"]
    topics = [t for t, _ in await outbox_events(api, item["id"])]
    assert topics[-1] == "newsroom.media.rejected.v1"
    assert await media_of(api).runtime.db["fs.files"].count_documents({}) == 0


async def test_a_docx_unpacking_past_the_limit_is_rejected(infra, unique, mongo_client) -> None:
    settings = settings_for(infra, unique, max_archive_unpacked_bytes=4 * 1024 * 1024)
    try:
        async with media_api(settings) as api:
            answer = await upload(api, office.docx_bomb_by_size(5 * 1024 * 1024), "big.docx")
            item = await processed(api, answer.json()["id"])
            assert item["status"] == "rejected", item
            assert "unpacks to" in item["reason"]
    finally:
        await drop_test_database(mongo_client, settings.database_name)


async def test_the_video_size_limit_answers_413(infra, unique, mongo_client) -> None:
    settings = settings_for(infra, unique, max_video_bytes=10_000, worker_enabled=False)
    try:
        async with media_api(settings) as api:
            answer = await upload(api, videos.video("mp4"), "clip.mp4")
            assert answer.status_code == 413, answer.text
            assert "MP4 upload may be at most 10000 bytes" in answer.json()["detail"]
    finally:
        await drop_test_database(mongo_client, settings.database_name)
