"""The X adapter against a fake API v2 on loopback."""

from __future__ import annotations

import httpx
import pytest
from fakes import CLIENT_TIMEOUT, FakeX
from fakes.releases import long_release, short_release
from fakes.x import TOKEN

from distribution.adapters.networks.x import XAdapter
from distribution.domain.channels import XConfig
from distribution.domain.outcomes import Success
from distribution.domain.social import Network, compose, split_thread

KEY = "4f1c2a4e-0d7b-5b8e-9a0e-3e2d1c0b9a87"


@pytest.fixture
def adapter(http_client: httpx.AsyncClient, fake_x: FakeX) -> XAdapter:
    return XAdapter(http_client, timeout=CLIENT_TIMEOUT, base_url=fake_x.base_url)


def config(token: str = TOKEN) -> XConfig:
    return XConfig(account="acme", access_token=token, allow_insecure_url=True)


async def test_a_post_is_published_with_the_documented_shape(adapter, fake_x):
    post = compose(short_release(), Network.X)

    outcome = await adapter.publish(config(), [post], KEY)

    [request] = fake_x.requests_to("POST", "/2/tweets")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {"text": post.text}
    [post_id] = fake_x.posts
    assert outcome == Success(post_id, f"https://x.com/acme/status/{post_id}")


async def test_a_thread_replies_in_order(adapter, fake_x):
    posts = split_thread(long_release(), Network.X)
    assert len(posts) > 1

    outcome = await adapter.publish(config(), posts, KEY)

    bodies = [r.json() for r in fake_x.requests_to("POST", "/2/tweets")]
    ids = list(fake_x.posts)
    assert [b["text"] for b in bodies] == [p.text for p in posts]
    assert [b.get("reply") for b in bodies] == [
        None,
        *({"in_reply_to_tweet_id": i} for i in ids[:-1]),
    ]
    assert isinstance(outcome, Success)
    assert outcome.remote_id == ids[0]


async def test_delete_removes_the_post(adapter, fake_x):
    published = await adapter.publish(config(), [compose(short_release(), Network.X)], KEY)
    assert isinstance(published, Success)
    assert published.remote_id is not None

    outcome = await adapter.delete(config(), published.remote_id)

    assert outcome == Success(published.remote_id)
    assert fake_x.posts == {}
