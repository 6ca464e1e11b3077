"""The Facebook adapter against a fake Graph API on loopback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fakes import CLIENT_TIMEOUT, Failure, FakeFacebook
from fakes.facebook import PAGE_ID, TOKEN, VERSION
from fakes.releases import URL, short_release
from fakes.server import PNG

from distribution.adapters.networks.base import Posted, Unconfirmed
from distribution.adapters.networks.facebook import FacebookAdapter
from distribution.domain.channels import FacebookConfig
from distribution.domain.outcomes import PermanentFailure, Success, TransientFailure
from distribution.domain.social import Network, compose

KEY = "4f1c2a4e-0d7b-5b8e-9a0e-3e2d1c0b9a87"


@pytest.fixture
def adapter(http_client: httpx.AsyncClient, fake_facebook: FakeFacebook) -> FacebookAdapter:
    return FacebookAdapter(
        http_client, timeout=CLIENT_TIMEOUT, base_url=fake_facebook.base_url, api_version=VERSION
    )


def config(token: str = TOKEN) -> FacebookConfig:
    return FacebookConfig(page_id=PAGE_ID, page_access_token=token, allow_insecure_url=True)


async def test_a_post_is_published_with_the_documented_shape(adapter, fake_facebook):
    post = compose(short_release(), Network.FACEBOOK)

    outcome = await adapter.publish(config(), [post], KEY)

    [request] = fake_facebook.requests_to("POST", f"/{VERSION}/{PAGE_ID}/feed")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.form == {"message": [post.text], "link": [URL]}
    assert TOKEN not in request.path
    assert not request.query
    [post_id] = fake_facebook.posts
    assert outcome == Posted(post_id, f"https://www.facebook.com/{post_id}", (post_id,))


async def test_an_invalid_token_is_permanent_with_the_message(adapter, fake_facebook):
    outcome = await adapter.publish(
        config("wrong"), [compose(short_release(), Network.FACEBOOK)], KEY
    )

    assert isinstance(outcome, PermanentFailure)
    assert "Invalid OAuth access token" in outcome.reason


async def test_a_throttling_error_code_is_transient(adapter, fake_facebook):
    config_ = config()
    post = compose(short_release(), Network.FACEBOOK)
    fake_facebook.fail_next_with_error(400, "(#32) Page request limit reached", code=32)

    outcome = await adapter.publish(config_, [post], KEY)

    assert isinstance(outcome, TransientFailure)
    assert outcome.retry_after == timedelta(minutes=15)
    assert "Page request limit reached" in outcome.reason


async def test_delete_removes_the_post(adapter, fake_facebook):
    published = await adapter.publish(config(), [compose(short_release(), Network.FACEBOOK)], KEY)
    assert isinstance(published, Success)
    assert published.remote_id is not None

    outcome = await adapter.delete(config(), published.remote_id)

    assert outcome == Success(published.remote_id)
    assert fake_facebook.posts == {}


FEED = f"/{VERSION}/{PAGE_ID}/feed"


async def test_a_lost_answer_then_a_retry_posts_once_with_the_right_id(adapter, fake_facebook):
    post = compose(short_release(), Network.FACEBOOK)
    first_attempt = datetime.now(UTC)
    fake_facebook.fail_next(Failure.LOSE_ANSWER)

    lost = await adapter.publish(config(), [post], KEY)

    assert isinstance(lost, Unconfirmed)
    [landed] = fake_facebook.posts

    retried = await adapter.publish(config(), [post], KEY, since=first_attempt)

    assert isinstance(retried, Posted)
    assert retried.remote_id == landed
    assert fake_facebook.created == 1
    assert len(fake_facebook.requests_to("POST", FEED)) == 1
    [read] = fake_facebook.requests_to("GET", FEED)
    assert read.query["fields"] == ["id,message,created_time"]
    assert int(read.query["since"][0]) <= first_attempt.timestamp()


async def test_a_duplicate_refusal_means_already_posted(adapter, fake_facebook):
    post = compose(short_release(), Network.FACEBOOK)
    fake_facebook.fail_next(Failure.LOSE_ANSWER)
    await adapter.publish(config(), [post], KEY)
    [landed] = fake_facebook.posts

    retried = await adapter.publish(config(), [post], KEY)

    assert isinstance(retried, Posted)
    assert retried.remote_id == landed
    assert fake_facebook.created == 1


async def test_the_image_goes_out_as_a_photo_post(adapter, fake_facebook):
    post = compose(short_release(image_url=fake_facebook.image_url), Network.FACEBOOK)

    outcome = await adapter.publish(config(), [post], KEY)

    [request] = fake_facebook.requests_to("POST", f"/{VERSION}/{PAGE_ID}/photos")
    assert request.headers["content-type"].startswith("multipart/form-data")
    assert request.files == {"source": PNG}
    assert request.form == {"caption": [post.text]}
    assert fake_facebook.requests_to("POST", FEED) == []
    [post_id] = fake_facebook.posts
    assert fake_facebook.posts[post_id]["photo_id"]
    assert isinstance(outcome, Posted)
    assert outcome.remote_id == post_id


async def test_a_photo_post_whose_answer_was_lost_is_found_in_the_feed(adapter, fake_facebook):
    post = compose(short_release(image_url=fake_facebook.image_url), Network.FACEBOOK)
    first_attempt = datetime.now(UTC)
    fake_facebook.fail_next(Failure.LOSE_ANSWER, after=1)  # the image download goes through

    assert isinstance(await adapter.publish(config(), [post], KEY), Unconfirmed)
    retried = await adapter.publish(config(), [post], KEY, since=first_attempt)

    [post_id] = fake_facebook.posts
    assert isinstance(retried, Posted)
    assert retried.remote_id == post_id
    assert fake_facebook.created == 1


async def test_deleting_a_post_already_gone_counts_as_deleted(adapter, fake_facebook):
    outcome = await adapter.delete(config(), f"{PAGE_ID}_1")

    assert outcome == Success(f"{PAGE_ID}_1")
