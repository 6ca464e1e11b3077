"""The LinkedIn adapter against a fake Posts API on loopback, and its little-text escaping."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from fakes import CLIENT_TIMEOUT, Failure, FakeLinkedIn
from fakes.linkedin import LITTLE_TEXT, ORGANISATION, TOKEN
from fakes.releases import URL, short_release
from fakes.server import PNG

from distribution.adapters.networks.base import Posted, Unconfirmed
from distribution.adapters.networks.linkedin import LinkedInAdapter, escape_little_text
from distribution.domain.channels import LinkedInConfig
from distribution.domain.outcomes import PermanentFailure, Success
from distribution.domain.social import Network, compose

KEY = "4f1c2a4e-0d7b-5b8e-9a0e-3e2d1c0b9a87"


@pytest.fixture
def adapter(http_client: httpx.AsyncClient, fake_linkedin: FakeLinkedIn) -> LinkedInAdapter:
    return LinkedInAdapter(http_client, timeout=CLIENT_TIMEOUT, base_url=fake_linkedin.base_url)


def config(token: str = TOKEN) -> LinkedInConfig:
    return LinkedInConfig(
        organization_urn=ORGANISATION,
        access_token=token,
        allow_insecure_url=True,
    )


def test_reserved_characters_are_escaped_and_hashtags_templated():
    text = "Widgets (2) <new> *fast* [v2] @acme_co ~ a|b {x} back\\slash #Widgets #launch_day"

    escaped = escape_little_text(text)

    assert escaped == (
        "Widgets \\(2\\) \\<new\\> \\*fast\\* \\[v2\\] \\@acme\\_co \\~ a\\|b \\{x\\} "
        "back\\\\slash {hashtag|\\#|Widgets} {hashtag|\\#|launch\\_day}"
    )
    assert LITTLE_TEXT.fullmatch(escaped)
    assert not LITTLE_TEXT.fullmatch(text)


async def test_a_post_is_published_with_the_documented_shape(adapter, fake_linkedin):
    post = compose(short_release(), Network.LINKEDIN)

    outcome = await adapter.publish(config(), [post], KEY)

    [request] = fake_linkedin.requests_to("POST", "/rest/posts")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["x-restli-protocol-version"] == "2.0.0"
    assert len(request.headers["linkedin-version"]) == 6
    body = request.json()
    assert body["author"] == ORGANISATION
    assert body["commentary"] == escape_little_text(post.text)
    assert "{hashtag|\\#|widgets}" in body["commentary"]
    assert body["visibility"] == "PUBLIC"
    assert body["distribution"]["feedDistribution"] == "MAIN_FEED"
    assert body["lifecycleState"] == "PUBLISHED"
    assert body["content"]["article"] == {
        "source": URL,
        "title": "Acme launches the Widget 2",
        "description": "A smaller, faster widget for everyone (and it's cheaper).",
    }
    [urn] = fake_linkedin.posts
    assert outcome == Posted(urn, f"https://www.linkedin.com/feed/update/{urn}/", (urn,))


async def test_delete_removes_the_post(adapter, fake_linkedin):
    published = await adapter.publish(config(), [compose(short_release(), Network.LINKEDIN)], KEY)
    assert isinstance(published, Success)
    assert published.remote_id is not None

    outcome = await adapter.delete(config(), published.remote_id)

    assert outcome == Success(published.remote_id)
    assert fake_linkedin.posts == {}
    [delete] = fake_linkedin.requests_to("DELETE", f"/rest/posts/{published.remote_id}")
    assert delete.headers["x-restli-protocol-version"] == "2.0.0"


async def test_a_lost_answer_then_a_retry_posts_once_with_the_right_urn(adapter, fake_linkedin):
    post = compose(short_release(), Network.LINKEDIN)
    first_attempt = datetime.now(UTC)
    fake_linkedin.fail_next(Failure.LOSE_ANSWER)

    lost = await adapter.publish(config(), [post], KEY)

    assert isinstance(lost, Unconfirmed)
    [landed] = fake_linkedin.posts

    retried = await adapter.publish(config(), [post], KEY, since=first_attempt)

    assert isinstance(retried, Posted)
    assert retried.remote_id == landed
    assert fake_linkedin.created == 1
    assert len(fake_linkedin.requests_to("POST", "/rest/posts")) == 1
    [search] = fake_linkedin.requests_to("GET", "/rest/posts")
    assert search.query["q"] == ["author"]
    assert search.query["author"] == [ORGANISATION]


async def test_a_duplicate_refusal_names_the_post_already_made(adapter, fake_linkedin):
    """Without the marker (no ``since``), LinkedIn's 422 for a repeat gives the post's URN."""
    post = compose(short_release(), Network.LINKEDIN)
    fake_linkedin.fail_next(Failure.LOSE_ANSWER)
    await adapter.publish(config(), [post], KEY)
    [landed] = fake_linkedin.posts

    retried = await adapter.publish(config(), [post], KEY)

    assert isinstance(retried, Posted)
    assert retried.remote_id == landed
    assert fake_linkedin.created == 1
    assert len(fake_linkedin.requests_to("POST", "/rest/posts")) == 2


async def test_a_post_older_than_the_first_attempt_is_not_taken_for_ours(adapter, fake_linkedin):
    post = compose(short_release(), Network.LINKEDIN)
    assert isinstance(await adapter.publish(config(), [post], KEY), Posted)
    [earlier] = fake_linkedin.posts
    fake_linkedin.posts[earlier]["commentary"] = "something else"  # an edit: no longer ours

    outcome = await adapter.publish(config(), [post], KEY, since=datetime.now(UTC))

    assert isinstance(outcome, Posted)
    assert outcome.remote_id != earlier
    assert fake_linkedin.created == 2


async def test_the_image_is_uploaded_with_the_images_api_and_attached(adapter, fake_linkedin):
    post = compose(short_release(image_url=fake_linkedin.image_url), Network.LINKEDIN)

    outcome = await adapter.publish(config(), [post], KEY)

    assert isinstance(outcome, Posted)
    [initialise] = fake_linkedin.requests_to("POST", "/rest/images")
    assert initialise.query["action"] == ["initializeUpload"]
    assert initialise.json() == {"initializeUploadRequest": {"owner": ORGANISATION}}
    assert initialise.headers["linkedin-version"]
    [urn] = fake_linkedin.images
    assert fake_linkedin.images[urn] == PNG
    [put] = [r for r in fake_linkedin.requests if r.method == "PUT"]
    assert put.body == PNG
    assert put.headers["content-type"] == "image/png"
    [created] = fake_linkedin.requests_to("POST", "/rest/posts")
    assert created.json()["content"] == {"media": {"id": urn, "altText": "The new widget"}}


async def test_an_unreachable_image_fails_the_attempt_before_posting(adapter, fake_linkedin):
    release = short_release(image_url=fake_linkedin.base_url + "/images/missing.png")
    post = compose(release, Network.LINKEDIN)

    outcome = await adapter.publish(config(), [post], KEY)

    assert isinstance(outcome, PermanentFailure)
    assert fake_linkedin.created == 0
