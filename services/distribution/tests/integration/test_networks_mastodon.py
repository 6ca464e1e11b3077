"""The Mastodon adapter against a fake instance on loopback."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from fakes import CLIENT_TIMEOUT, Failure, FakeMastodon
from fakes.mastodon import TOKEN
from fakes.releases import long_release, short_release

from distribution.adapters.networks.base import Posted
from distribution.adapters.networks.mastodon import MastodonAdapter
from distribution.domain.channels import MastodonConfig
from distribution.domain.outcomes import PermanentFailure, Success, TransientFailure
from distribution.domain.social import Network, compose, split_thread

KEY = "4f1c2a4e-0d7b-5b8e-9a0e-3e2d1c0b9a87"


@pytest.fixture
def adapter(http_client: httpx.AsyncClient) -> MastodonAdapter:
    return MastodonAdapter(http_client, timeout=CLIENT_TIMEOUT)


def config_for(fake: FakeMastodon, token: str = TOKEN) -> MastodonConfig:
    return MastodonConfig(
        instance_url=fake.base_url,
        access_token=token,
        visibility="unlisted",
        allow_insecure_url=True,
    )


async def test_a_post_is_published_with_the_documented_shape(adapter, fake_mastodon):
    post = compose(short_release(), Network.MASTODON)

    outcome = await adapter.publish(config_for(fake_mastodon), [post], KEY)

    [request] = fake_mastodon.requests_to("POST", "/api/v1/statuses")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["idempotency-key"] == f"{KEY}-0"
    assert request.json() == {"status": post.text, "visibility": "unlisted", "language": "en"}
    [status] = fake_mastodon.statuses.values()
    assert outcome == Posted(status["id"], status["url"], (status["id"],))


async def test_a_thread_replies_in_order(adapter, fake_mastodon):
    posts = split_thread(long_release(), Network.MASTODON)
    assert len(posts) > 1

    outcome = await adapter.publish(config_for(fake_mastodon), posts, KEY)

    requests = fake_mastodon.requests_to("POST", "/api/v1/statuses")
    assert [r.json()["status"] for r in requests] == [p.text for p in posts]
    ids = list(fake_mastodon.statuses)
    assert [r.json().get("in_reply_to_id") for r in requests] == [None, *ids[:-1]]
    assert [r.headers["idempotency-key"] for r in requests] == [
        f"{KEY}-{i}" for i in range(len(posts))
    ]
    assert isinstance(outcome, Success)
    assert outcome.remote_id == ids[0]


async def test_the_image_is_uploaded_first_and_attached(adapter, fake_mastodon):
    post = compose(short_release(image_url=fake_mastodon.image_url), Network.MASTODON)

    outcome = await adapter.publish(config_for(fake_mastodon), [post], KEY)

    assert isinstance(outcome, Success)
    paths = [(r.method, r.path) for r in fake_mastodon.requests]
    assert paths == [
        ("GET", "/images/card.png"),
        ("POST", "/api/v2/media"),
        ("POST", "/api/v1/statuses"),
    ]
    upload = fake_mastodon.requests_to("POST", "/api/v2/media")[0]
    assert upload.files["file"].startswith(b"\x89PNG")
    assert upload.form["description"] == ["The new widget"]
    [media_id] = fake_mastodon.media
    assert fake_mastodon.requests_to("POST", "/api/v1/statuses")[0].json()["media_ids"] == [
        media_id
    ]


async def test_a_retry_with_the_same_key_does_not_duplicate(adapter, fake_mastodon):
    posts = split_thread(long_release(), Network.MASTODON)
    config = config_for(fake_mastodon)

    first = await adapter.publish(config, posts, KEY)
    again = await adapter.publish(config, posts, KEY)

    assert again == first
    assert len(fake_mastodon.statuses) == len(posts)


async def test_a_thread_cut_short_resumes_without_repeating_posts(adapter, fake_mastodon):
    posts = split_thread(long_release(), Network.MASTODON)
    config = config_for(fake_mastodon)
    await adapter.publish(config, posts[:2], KEY)  # as if the third post had failed

    outcome = await adapter.publish(config, posts, KEY)

    assert isinstance(outcome, Success)
    assert len(fake_mastodon.statuses) == len(posts)


async def test_rate_limited_is_transient_with_retry_after(adapter, fake_mastodon):
    fake_mastodon.fail_next(Failure.RATE_LIMITED)
    post = compose(short_release(), Network.MASTODON)

    outcome = await adapter.publish(config_for(fake_mastodon), [post], KEY)

    assert isinstance(outcome, TransientFailure)
    assert outcome.retry_after == timedelta(seconds=42)


async def test_server_error_is_transient(adapter, fake_mastodon):
    fake_mastodon.fail_next(Failure.SERVER_ERROR)
    post = compose(short_release(), Network.MASTODON)

    outcome = await adapter.publish(config_for(fake_mastodon), [post], KEY)

    assert isinstance(outcome, TransientFailure)
    assert "HTTP 500" in outcome.reason


async def test_a_rejected_token_is_permanent_with_the_message(adapter, fake_mastodon):
    post = compose(short_release(), Network.MASTODON)

    outcome = await adapter.publish(config_for(fake_mastodon, token="wrong"), [post], KEY)

    assert isinstance(outcome, PermanentFailure)
    assert outcome.reason.startswith("HTTP 401")
    assert "The access token is invalid" in outcome.reason
    assert "wrong" not in outcome.reason


async def test_a_hang_times_out_as_transient(adapter, fake_mastodon):
    fake_mastodon.fail_next(Failure.HANG)
    post = compose(short_release(), Network.MASTODON)

    outcome = await adapter.publish(config_for(fake_mastodon), [post], KEY)

    assert isinstance(outcome, TransientFailure)
    assert "timed out" in outcome.reason


async def test_delete_removes_the_status(adapter, fake_mastodon):
    config = config_for(fake_mastodon)
    published = await adapter.publish(config, [compose(short_release(), Network.MASTODON)], KEY)
    assert isinstance(published, Success)
    assert published.remote_id is not None

    outcome = await adapter.delete(config, published.remote_id)

    assert outcome == Success(published.remote_id)
    assert fake_mastodon.statuses == {}


async def test_an_internal_url_is_refused_without_insecure_mode(adapter, fake_mastodon):
    config = MastodonConfig(instance_url="https://mastodon.example", access_token=TOKEN)
    bypass = config.model_copy(update={"instance_url": fake_mastodon.base_url})

    outcome = await adapter.publish(bypass, [compose(short_release(), Network.MASTODON)], KEY)

    assert isinstance(outcome, PermanentFailure)
    assert "refused" in outcome.reason
    assert fake_mastodon.requests == []
