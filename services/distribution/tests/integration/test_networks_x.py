"""The X adapter against a fake API v2 on loopback."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from fakes import CLIENT_TIMEOUT, Failure, FakeX
from fakes.releases import long_release, short_release
from fakes.server import PNG
from fakes.x import TOKEN, USER_ID

from distribution.adapters.networks.base import Posted, Unconfirmed
from distribution.adapters.networks.x import XAdapter
from distribution.domain.channels import XConfig
from distribution.domain.outcomes import PermanentFailure, Success
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
    assert outcome == Posted(post_id, f"https://x.com/acme/status/{post_id}", (post_id,))


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
    assert isinstance(outcome, Posted)
    assert outcome.remote_id == ids[0]
    assert outcome.remote_ids == tuple(ids)


async def test_delete_removes_the_post(adapter, fake_x):
    published = await adapter.publish(config(), [compose(short_release(), Network.X)], KEY)
    assert isinstance(published, Success)
    assert published.remote_id is not None

    outcome = await adapter.delete(config(), published.remote_id)

    assert outcome == Success(published.remote_id)
    assert fake_x.posts == {}


async def test_a_lost_answer_then_a_retry_posts_once_with_the_right_id(adapter, fake_x):
    post = compose(short_release(), Network.X)
    first_attempt = datetime.now(UTC)
    fake_x.fail_next(Failure.LOSE_ANSWER)

    lost = await adapter.publish(config(), [post], KEY)

    assert isinstance(lost, Unconfirmed)  # the post may exist: the delivery gets marked
    assert fake_x.created == 1
    [landed] = fake_x.posts

    retried = await adapter.publish(config(), [post], KEY, since=first_attempt)

    assert isinstance(retried, Posted)
    assert retried.remote_id == landed
    assert fake_x.created == 1
    assert len(fake_x.requests_to("POST", "/2/tweets")) == 1  # looked up, not posted again
    [timeline] = fake_x.requests_to("GET", f"/2/users/{USER_ID}/tweets")
    assert timeline.query["start_time"][0] <= first_attempt.strftime("%Y-%m-%dT%H:%M:%SZ")


async def test_a_duplicate_refusal_means_already_posted(adapter, fake_x):
    """Without the marker (no ``since``), X's own 403 "duplicate content" finds the post."""
    post = compose(short_release(), Network.X)
    fake_x.fail_next(Failure.LOSE_ANSWER)
    await adapter.publish(config(), [post], KEY)
    [landed] = fake_x.posts

    retried = await adapter.publish(config(), [post], KEY)

    assert isinstance(retried, Posted)
    assert retried.remote_id == landed
    assert fake_x.created == 1
    [refused] = fake_x.requests_to("POST", "/2/tweets")[1:]
    assert refused.json() == {"text": post.text}


async def test_a_duplicate_that_cannot_be_found_fails_for_good(adapter, fake_x):
    post = compose(short_release(), Network.X)
    assert isinstance(await adapter.publish(config(), [post], KEY), Posted)
    fake_x.posts[next(iter(fake_x.posts))]["created_at"] = datetime(2020, 1, 1, tzinfo=UTC)

    outcome = await adapter.publish(config(), [post], KEY)

    assert isinstance(outcome, PermanentFailure)
    assert "duplicate content" in outcome.reason
    assert fake_x.created == 1


async def test_a_thread_that_failed_at_its_second_post_continues_after_the_first(adapter, fake_x):
    posts = split_thread(long_release(), Network.X)[:3]
    assert len(posts) == 3
    first_attempt = datetime.now(UTC)
    fake_x.fail_next(Failure.SERVER_ERROR, after=1)

    stopped = await adapter.publish(config(), posts, KEY)

    assert isinstance(stopped, Unconfirmed)
    assert fake_x.created == 1

    finished = await adapter.publish(config(), posts, KEY, since=first_attempt)

    assert isinstance(finished, Posted)
    assert fake_x.created == 3
    by_text = {p["text"]: p for p in fake_x.posts.values()}
    chain = [by_text[p.text]["id"] for p in posts]
    assert finished.remote_ids == tuple(chain)
    assert [by_text[p.text]["reply_to"] for p in posts] == [None, chain[0], chain[1]]


async def test_the_image_is_uploaded_and_attached(adapter, fake_x):
    post = compose(short_release(image_url=fake_x.image_url), Network.X)

    outcome = await adapter.publish(config(), [post], KEY)

    assert isinstance(outcome, Posted)
    [upload] = fake_x.requests_to("POST", "/2/media/upload")
    assert upload.headers["content-type"].startswith("multipart/form-data")
    assert upload.files["media"] == PNG
    assert upload.form["media_category"] == ["tweet_image"]
    [media_id] = fake_x.media
    assert fake_x.media[media_id]["alt_text"] == "The new widget"
    [created] = fake_x.requests_to("POST", "/2/tweets")
    assert created.json() == {"text": post.text, "media": {"media_ids": [media_id]}}


async def test_a_too_large_image_is_refused_before_any_upload(http_client, fake_x):
    adapter = XAdapter(
        http_client, timeout=CLIENT_TIMEOUT, base_url=fake_x.base_url, max_image_bytes=len(PNG) - 1
    )
    post = compose(short_release(image_url=fake_x.image_url), Network.X)

    outcome = await adapter.publish(config(), [post], KEY)

    assert isinstance(outcome, PermanentFailure)
    assert "larger than" in outcome.reason
    assert fake_x.requests_to("POST", "/2/media/upload") == []
    assert fake_x.created == 0


async def test_deleting_a_post_already_gone_counts_as_deleted(adapter, fake_x):
    outcome = await adapter.delete(config(), "1790000000000000999")

    assert outcome == Success("1790000000000000999")
