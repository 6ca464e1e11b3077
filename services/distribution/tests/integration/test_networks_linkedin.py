"""The LinkedIn adapter against a fake Posts API on loopback, and its little-text escaping."""

from __future__ import annotations

import httpx
import pytest
from fakes import CLIENT_TIMEOUT, FakeLinkedIn
from fakes.linkedin import LITTLE_TEXT, ORGANISATION, TOKEN
from fakes.releases import URL, short_release

from distribution.adapters.networks.linkedin import LinkedInAdapter, escape_little_text
from distribution.domain.channels import LinkedInConfig
from distribution.domain.outcomes import Success
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
    assert outcome == Success(urn, f"https://www.linkedin.com/feed/update/{urn}/")


async def test_delete_removes_the_post(adapter, fake_linkedin):
    published = await adapter.publish(config(), [compose(short_release(), Network.LINKEDIN)], KEY)
    assert isinstance(published, Success)
    assert published.remote_id is not None

    outcome = await adapter.delete(config(), published.remote_id)

    assert outcome == Success(published.remote_id)
    assert fake_linkedin.posts == {}
    [delete] = fake_linkedin.requests_to("DELETE", f"/rest/posts/{published.remote_id}")
    assert delete.headers["x-restli-protocol-version"] == "2.0.0"
