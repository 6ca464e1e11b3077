"""What an email says about its newsroom comes from the stored release facts: the newsroom's
name as the read model knew it at planning (its slug only for facts stored before that), and
a webhook still gets the event's data only."""

from datetime import UTC, datetime

from distribution.domain.delivery import Delivery
from distribution.domain.releases import NEWSROOM_NAME
from distribution.service.dispatch import release_email, webhook_payload

FACTS = {
    "_id": "x",
    "event_type": "io.newsroom.release.published.v1",
    "tenant_id": "t1",
    "release_id": "r1",
    "newsroom_id": "n1",
    "newsroom_slug": "acme",
    "title": "Big news",
    "url": "https://www.news.example/acme/releases/r1",
    "language": "en",
    "version": 1,
}


def delivery() -> Delivery:
    return Delivery.plan(
        tenant_id="t1",
        release_id="r1",
        newsroom_id="n1",
        channel_id="c1",
        channel_kind="email",
        recipient="s1",
        now=datetime(2030, 1, 1, tzinfo=UTC),
    )


def test_the_email_names_the_newsroom_and_links_the_event_url() -> None:
    email = release_email({**FACTS, NEWSROOM_NAME: "Acme Press Room"}, delivery())
    assert email.newsroom_name == "Acme Press Room"
    assert email.url == "https://www.news.example/acme/releases/r1"


def test_facts_stored_before_the_read_model_fall_back_to_the_slug() -> None:
    assert release_email(FACTS, delivery()).newsroom_name == "acme"


def test_a_webhook_gets_the_events_data_without_our_own_fields() -> None:
    payload = webhook_payload({**FACTS, NEWSROOM_NAME: "Acme Press Room"})
    assert payload["type"] == "io.newsroom.release.published.v1"
    assert payload["data"][NEWSROOM_NAME] == "Acme Press Room"  # a field of the event
    assert "event_type" not in payload["data"]
    assert "_id" not in payload["data"]
    assert payload["data"]["newsroom_slug"] == "acme"
