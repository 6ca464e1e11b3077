"""The Facebook adapter against a fake Graph API on loopback."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from fakes import CLIENT_TIMEOUT, FakeFacebook
from fakes.facebook import PAGE_ID, TOKEN, VERSION
from fakes.releases import URL, short_release

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
    assert outcome == Success(post_id, f"https://www.facebook.com/{post_id}")


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
