"""Who may fetch a file: an item in no known release (a draft's, maybe) only with the tenant's
key or a signed, expiring link; an embargoed release's the same; a published release's anyone;
a withdrawn release's nobody without a key or link (410)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode

import httpx
import pytest
from media_support import corpus
from media_support.app import headers, local_path
from media_support.flows import apply_release_event, processed, upload
from media_support.releases import embargoed, published, withdrawn

from newsroom_testing.clock import FakeClock

pytestmark = pytest.mark.connected
A = headers("tenant-a")


async def processed_item(api: httpx.AsyncClient) -> dict[str, Any]:
    answer = await upload(api, corpus.jpeg(600, 400))
    assert answer.status_code == 201, answer.text
    item: dict[str, Any] = await processed(api, answer.json()["id"])
    assert item["status"] == "processed", item
    return item


async def signed(api: httpx.AsyncClient, media_id: str, ttl_s: int = 600) -> dict[str, Any]:
    answer = await api.post(f"/v1/media/{media_id}/signed-urls", json={"ttl_s": ttl_s}, headers=A)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def web_of(item: dict[str, Any]) -> str:
    return local_path(next(f["url"] for f in item["files"] if f["name"] == "web"))


def signed_web(links: dict[str, Any]) -> str:
    return local_path(next(f["url"] for f in links["files"] if f["name"] == "web"))


async def test_a_draft_item_is_served_to_staff_and_signed_links_only(
    api: httpx.AsyncClient, clock: FakeClock
) -> None:
    item = await processed_item(api)
    plain = web_of(item)
    hidden = await api.get(plain)
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "not_found"

    staff = await api.get(plain, headers=A)
    assert staff.status_code == 200
    assert staff.headers["cache-control"] == "private, no-store"
    assert (await api.get(plain, headers=headers("tenant-b"))).status_code == 404

    links = await signed(api, item["id"])
    assert links["access"] == "staff_only"
    url = signed_web(links)
    answer = await api.get(url)
    assert answer.status_code == 200
    assert answer.content == staff.content
    assert answer.headers["cache-control"] == "private, no-store"

    path, query = url.split("?")
    fields = {k: v[0] for k, v in parse_qs(query).items()}
    longer = {**fields, "expires": str(int(fields["expires"]) + 3600)}
    tampered = await api.get(f"{path}?{urlencode(longer)}")
    assert (tampered.status_code, tampered.json()["code"]) == (403, "invalid_signature")
    elsewhere = plain.replace("/web-", "/thumbnail-")  # another file with this signature
    thumbnail = next(f["url"] for f in item["files"] if f["name"] == "thumbnail")
    other = await api.get(f"{local_path(thumbnail)}?{query}")
    assert (other.status_code, other.json()["code"]) == (403, "invalid_signature"), elsewhere

    clock.advance(timedelta(seconds=601))
    expired = await api.get(url)
    assert (expired.status_code, expired.json()["code"]) == (403, "link_expired")


async def test_embargo_publication_and_withdrawal(api: httpx.AsyncClient) -> None:
    item = await processed_item(api)
    plain, release = web_of(item), f"r-{item['id']}"
    await apply_release_event(api, embargoed(release, [item["id"]]))
    assert (await api.get(plain)).status_code == 404
    assert (await api.get(signed_web(await signed(api, item["id"])))).status_code == 200

    await apply_release_event(api, published(release, [item["id"]]))
    public = await api.get(plain)
    assert public.status_code == 200
    assert "immutable" in public.headers["cache-control"]
    assert (await signed(api, item["id"]))["access"] == "public"

    await apply_release_event(api, withdrawn(release))
    gone = await api.get(plain)
    assert (gone.status_code, gone.json()["code"]) == (410, "withdrawn")
    assert (await api.head(plain)).status_code == 410
    assert (await api.get(plain, headers=A)).status_code == 200  # staff still see it
    links = await signed(api, item["id"])
    assert links["access"] == "withdrawn"
    assert (await api.get(signed_web(links))).status_code == 200


async def test_a_link_cannot_outlive_the_limit(api: httpx.AsyncClient, clock: FakeClock) -> None:
    item = await processed_item(api)
    links = await signed(api, item["id"], ttl_s=10**9)
    limit = api.app.state.media.settings.signed_url_max_ttl_s  # type: ignore[attr-defined]
    expires_at = datetime.fromisoformat(links["expires_at"])
    assert expires_at == clock.now() + timedelta(seconds=limit)
