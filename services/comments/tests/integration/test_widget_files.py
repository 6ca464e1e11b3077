"""The widget's files as browsers get them: types, nosniff, caching by hash and ETag, the
frame's policy; and CORS on the visitors' routes only."""

from __future__ import annotations

import re

import httpx
import pytest

from .conftest import A, known_release, published, staff

pytestmark = pytest.mark.connected

BLOG = "https://blog.example"


async def test_the_script_has_its_type_nosniff_and_an_etag(api: httpx.AsyncClient) -> None:
    answer = await api.get("/widget.js")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/javascript; charset=utf-8"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["cache-control"] == "public, max-age=600"
    assert "window.NewsroomComments" in answer.text
    again = await api.get("/widget.js", headers={"If-None-Match": answer.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


async def test_the_frame_names_its_files_by_hash_and_they_are_kept_a_year(
    api: httpx.AsyncClient,
) -> None:
    page = await api.get("/widget/frame", params={"release": "0" * 24})
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "default-src 'none'" in policy
    assert page.headers["referrer-policy"] == "no-referrer"
    names = re.findall(r'"(frame\.[0-9a-f]{16}\.(?:js|css))"', page.text)
    assert sorted(name.rsplit(".", 1)[1] for name in names) == ["css", "js"]
    for name in names:
        answer = await api.get(f"/widget/{name}")
        assert answer.status_code == 200
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert answer.headers["x-content-type-options"] == "nosniff"
    script = await api.get(f"/widget/{names[0]}")
    assert script.headers["content-type"].startswith(("text/javascript", "text/css"))


async def test_an_unknown_widget_file_is_a_404_problem(api: httpx.AsyncClient) -> None:
    answer = await api.get("/widget/frame.0000000000000000.js")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"


async def test_visitors_routes_answer_other_origins_without_credentials(
    api: httpx.AsyncClient,
) -> None:
    release = await known_release(api, published(A))
    url = f"/v1/public/releases/{release.release_id}/comments"
    read = await api.get(url, headers={"Origin": BLOG})
    assert read.status_code == 200
    assert read.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in read.headers
    preflight = await api.options(
        url,
        headers={
            "Origin": BLOG,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


async def test_staff_routes_answer_no_other_origin(api: httpx.AsyncClient) -> None:
    answer = await api.get("/v1/bans", headers={"Origin": BLOG, **staff(A)})
    assert answer.status_code == 200
    assert "access-control-allow-origin" not in answer.headers
