"""Galleries through the API: create, reorder, caption, replace, delete; bad input is a 4xx
problem; the public reads a public release's gallery, in order, with its captions."""

from __future__ import annotations

import httpx
import pytest
from media_support import corpus
from media_support.app import headers, local_path
from media_support.flows import apply_release_event, outbox_events, processed, upload
from media_support.releases import published, withdrawn

from media.entrypoints.cli import republish_galleries
from newsroom_shared.events.media import GalleryDeleted, GalleryUpdated
from newsroom_shared.http.auth import Scope

pytestmark = pytest.mark.connected
A = headers("tenant-a")


async def three_items(api: httpx.AsyncClient) -> list[str]:
    ids = []
    for width in (300, 310, 320):
        answer = await upload(api, corpus.jpeg(width, 200))
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["id"])
    for media_id in ids:
        assert (await processed(api, media_id))["status"] == "processed"
    return ids


async def test_a_gallery_through_its_life(api: httpx.AsyncClient) -> None:
    m1, m2, m3 = await three_items(api)
    created = await api.post(
        "/v1/galleries",
        json={
            "title": "Launch day",
            "release_id": "r1",
            "items": [{"media_id": m1, "caption": "On the pad"}, {"media_id": m2}],
        },
        headers=A,
    )
    assert created.status_code == 201, created.text
    gallery = created.json()
    url = f"/v1/galleries/{gallery['id']}"

    replaced = await api.put(
        f"{url}/items",
        json={
            "items": [{"media_id": m1, "caption": "On the pad"}, {"media_id": m2}, {"media_id": m3}]
        },
        headers=A,
    )
    assert replaced.status_code == 200, replaced.text
    reordered = await api.put(f"{url}/order", json={"media_ids": [m3, m1, m2]}, headers=A)
    assert [i["media_id"] for i in reordered.json()["items"]] == [m3, m1, m2]
    captioned = await api.put(f"{url}/items/{m3}/caption", json={"caption": "Lift-off"}, headers=A)
    assert captioned.json()["items"][0] == {"media_id": m3, "caption": "Lift-off"}
    listed = (await api.get("/v1/galleries", headers=A)).json()["items"]
    assert [g["id"] for g in listed] == [gallery["id"]]

    await apply_release_event(api, published("r1", [m1, m2, m3]))
    shown = await api.get("/v1/public/tenant-a/releases/r1/gallery")
    assert shown.status_code == 200, shown.text
    items = shown.json()["items"]
    assert [(i["media_id"], i["caption"]) for i in items] == [
        (m3, "Lift-off"),
        (m1, "On the pad"),
        (m2, ""),
    ]
    card = next(f for f in items[0]["files"] if f["name"] == "social_card")
    assert (await api.get(local_path(card["url"]))).status_code == 200  # public now
    assert (await api.get("/v1/public/tenant-b/releases/r1/gallery")).status_code == 404

    await apply_release_event(api, withdrawn("r1"))
    gone = await api.get("/v1/public/tenant-a/releases/r1/gallery")
    assert (gone.status_code, gone.json()["code"]) == (410, "withdrawn")

    assert (await api.delete(url, headers=A)).status_code == 204
    assert (await api.get(url, headers=A)).status_code == 404


async def test_bad_input_is_a_problem(api: httpx.AsyncClient) -> None:
    m1, m2, _ = await three_items(api)
    answers = {
        "unknown_media": await api.post(
            "/v1/galleries", json={"title": "x", "items": [{"media_id": "nope"}]}, headers=A
        ),
        "duplicate_item": await api.post(
            "/v1/galleries",
            json={"title": "x", "items": [{"media_id": m1}, {"media_id": m1}]},
            headers=A,
        ),
        "validation_failed": await api.post("/v1/galleries", json={"title": " "}, headers=A),
    }
    for code, answer in answers.items():
        assert answer.status_code == 422, (code, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["code"] == code, answer.text

    first = await api.post(
        "/v1/galleries", json={"title": "x", "release_id": "r9", "items": []}, headers=A
    )
    assert first.status_code == 201
    second = await api.post("/v1/galleries", json={"title": "y", "release_id": "r9"}, headers=A)
    assert (second.status_code, second.json()["code"]) == (409, "release_has_gallery")

    url = f"/v1/galleries/{first.json()['id']}"
    await api.put(f"{url}/items", json={"items": [{"media_id": m1}, {"media_id": m2}]}, headers=A)
    partial = await api.put(f"{url}/order", json={"media_ids": [m2]}, headers=A)
    assert (partial.status_code, partial.json()["code"]) == (422, "not_a_reordering")
    stranger = await api.put(f"{url}/items/nope/caption", json={"caption": "x"}, headers=A)
    assert stranger.status_code == 404
    viewer = await api.delete(url, headers=headers("tenant-a", Scope.viewer))
    assert viewer.status_code == 403


async def test_every_change_leaves_an_event_in_the_outbox(api: httpx.AsyncClient, settings) -> None:
    m1, m2, _ = await three_items(api)
    body = {"title": "Launch", "release_id": "r2", "items": [{"media_id": m1}, {"media_id": m2}]}
    gallery = (await api.post("/v1/galleries", json=body, headers=A)).json()
    url = f"/v1/galleries/{gallery['id']}"
    await api.put(f"{url}/order", json={"media_ids": [m2, m1]}, headers=A)
    refused = await api.put(f"{url}/order", json={"media_ids": [m2]}, headers=A)
    assert refused.status_code == 422  # told nothing
    await api.put(f"{url}/items/{m1}/caption", json={"caption": "Lift-off"}, headers=A)
    await republish_galleries(settings)  # the operator's command: the gallery as it is, again
    assert (await api.delete(url, headers=A)).status_code == 204

    told = await outbox_events(api, gallery["id"])
    assert [(topic, data["version"]) for topic, data in told] == [
        (GalleryUpdated.topic, 1),
        (GalleryUpdated.topic, 2),
        (GalleryUpdated.topic, 3),
        (GalleryUpdated.topic, 3),
        (GalleryDeleted.topic, 4),
    ]
    assert told[2][1]["items"] == [
        {"media_id": m2, "caption": ""},
        {"media_id": m1, "caption": "Lift-off"},
    ]
    assert {data["tenant_id"] for _, data in told} == {"tenant-a"}
    assert told[4][1]["release_id"] == "r2"
