"""The Bluesky adapter against a fake PDS on loopback."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from fakes import CLIENT_TIMEOUT, Failure, FakeBluesky
from fakes.bluesky import APP_PASSWORD, DID, HANDLE, TID
from fakes.releases import long_release, short_release

from distribution.adapters.networks.base import Posted
from distribution.adapters.networks.bluesky import BlueskyAdapter, record_key
from distribution.domain.channels import BlueskyConfig
from distribution.domain.outcomes import PermanentFailure, Success, TransientFailure
from distribution.domain.social import Network, compose, split_thread

KEY = "4f1c2a4e-0d7b-5b8e-9a0e-3e2d1c0b9a87"
CREATE = "/xrpc/com.atproto.repo.createRecord"


@pytest.fixture
def adapter(http_client: httpx.AsyncClient) -> BlueskyAdapter:
    return BlueskyAdapter(http_client, timeout=CLIENT_TIMEOUT)


def config_for(fake: FakeBluesky, password: str = APP_PASSWORD) -> BlueskyConfig:
    return BlueskyConfig(
        service_url=fake.base_url,
        handle=HANDLE,
        app_password=password,
        allow_insecure_url=True,
    )


def test_record_keys_are_tids_fixed_by_key_and_index():
    keys = [record_key(KEY, i) for i in range(50)]
    assert all(TID.fullmatch(k) for k in keys)
    assert len(set(keys)) == 50
    assert record_key(KEY, 3) == keys[3]
    assert record_key("another-key", 0) != keys[0]


async def test_a_post_is_a_record_with_text_facets_and_link_card(adapter, fake_bluesky):
    post = compose(short_release(), Network.BLUESKY)

    outcome = await adapter.publish(config_for(fake_bluesky), [post], KEY)

    [login] = fake_bluesky.requests_to("POST", "/xrpc/com.atproto.server.createSession")
    assert login.json() == {"identifier": HANDLE, "password": APP_PASSWORD}
    [create] = fake_bluesky.requests_to("POST", CREATE)
    assert create.headers["authorization"].startswith("Bearer ")
    body = create.json()
    assert body["repo"] == DID
    assert body["collection"] == "app.bsky.feed.post"
    assert body["rkey"] == record_key(KEY, 0)
    record = body["record"]
    assert record["$type"] == "app.bsky.feed.post"
    assert record["text"] == post.text
    assert record["langs"] == ["en"]
    assert record["createdAt"].endswith("Z")
    assert record["facets"] == [facet.as_record() for facet in post.facets]
    assert {f["features"][0]["$type"] for f in record["facets"]} == {
        "app.bsky.richtext.facet#link",
        "app.bsky.richtext.facet#tag",
    }
    assert post.link_card is not None
    assert record["embed"] == post.link_card.as_record()
    uri = f"at://{DID}/app.bsky.feed.post/{record_key(KEY, 0)}"
    url = f"https://bsky.app/profile/{HANDLE}/post/{record_key(KEY, 0)}"
    assert outcome == Posted(uri, url, (uri,))


async def test_a_thread_replies_with_root_and_parent(adapter, fake_bluesky):
    posts = split_thread(long_release(), Network.BLUESKY)
    assert len(posts) > 2

    outcome = await adapter.publish(config_for(fake_bluesky), posts, KEY)

    assert isinstance(outcome, Success)
    records = [r.json()["record"] for r in fake_bluesky.requests_to("POST", CREATE)]
    assert [r["text"] for r in records] == [p.text for p in posts]
    stored = list(fake_bluesky.records.values())
    root = {"uri": stored[0]["uri"], "cid": stored[0]["cid"]}
    assert "reply" not in records[0]
    for index, record in enumerate(records[1:], start=1):
        parent = {"uri": stored[index - 1]["uri"], "cid": stored[index - 1]["cid"]}
        assert record["reply"] == {"root": root, "parent": parent}


async def test_the_image_is_uploaded_as_a_blob_first(adapter, fake_bluesky):
    post = compose(short_release(image_url=fake_bluesky.image_url), Network.BLUESKY)

    outcome = await adapter.publish(config_for(fake_bluesky), [post], KEY)

    assert isinstance(outcome, Success)
    paths = [r.path for r in fake_bluesky.requests]
    assert paths.index("/xrpc/com.atproto.repo.uploadBlob") < paths.index(CREATE)
    upload = fake_bluesky.requests_to("POST", "/xrpc/com.atproto.repo.uploadBlob")[0]
    assert upload.headers["content-type"] == "image/png"
    [blob] = fake_bluesky.blobs.values()
    embed = fake_bluesky.requests_to("POST", CREATE)[0].json()["record"]["embed"]
    assert embed == {
        "$type": "app.bsky.embed.images",
        "images": [{"alt": "The new widget", "image": blob}],
    }


async def test_a_retry_with_the_same_key_reads_back_instead_of_duplicating(adapter, fake_bluesky):
    posts = split_thread(long_release(), Network.BLUESKY)
    config = config_for(fake_bluesky)

    first = await adapter.publish(config, posts, KEY)
    again = await adapter.publish(config, posts, KEY)

    assert again == first
    assert len(fake_bluesky.records) == len(posts)
    assert fake_bluesky.requests_to("GET", "/xrpc/com.atproto.repo.getRecord")


async def test_an_expired_cached_session_logs_in_again(adapter, fake_bluesky):
    config = config_for(fake_bluesky)
    await adapter.publish(config, [compose(short_release(), Network.BLUESKY)], KEY)
    fake_bluesky.expire_sessions()

    outcome = await adapter.publish(config, [compose(short_release(), Network.BLUESKY)], "k2")

    assert isinstance(outcome, Success)
    assert len(fake_bluesky.requests_to("POST", "/xrpc/com.atproto.server.createSession")) == 2


async def test_rate_limited_is_transient_with_retry_after(adapter, fake_bluesky):
    fake_bluesky.fail_next(Failure.RATE_LIMITED)

    outcome = await adapter.publish(
        config_for(fake_bluesky), [compose(short_release(), Network.BLUESKY)], KEY
    )

    assert isinstance(outcome, TransientFailure)
    assert outcome.retry_after == timedelta(seconds=42)


async def test_a_wrong_app_password_is_permanent_with_the_message(adapter, fake_bluesky):
    outcome = await adapter.publish(
        config_for(fake_bluesky, password="wrong"), [compose(short_release(), Network.BLUESKY)], KEY
    )

    assert isinstance(outcome, PermanentFailure)
    assert outcome.reason.startswith("HTTP 401")
    assert "Invalid identifier or password" in outcome.reason


async def test_a_hang_times_out_as_transient(adapter, fake_bluesky):
    fake_bluesky.fail_next(Failure.HANG)

    outcome = await adapter.publish(
        config_for(fake_bluesky), [compose(short_release(), Network.BLUESKY)], KEY
    )

    assert isinstance(outcome, TransientFailure)
    assert "timed out" in outcome.reason


async def test_delete_removes_the_record(adapter, fake_bluesky):
    config = config_for(fake_bluesky)
    published = await adapter.publish(config, [compose(short_release(), Network.BLUESKY)], KEY)
    assert isinstance(published, Success)
    assert published.remote_id is not None

    outcome = await adapter.delete(config, published.remote_id)

    assert outcome == Success(published.remote_id)
    assert fake_bluesky.records == {}
    [request] = fake_bluesky.requests_to("POST", "/xrpc/com.atproto.repo.deleteRecord")
    assert request.json() == {
        "repo": DID,
        "collection": "app.bsky.feed.post",
        "rkey": record_key(KEY, 0),
    }
