"""Channel configs: validation with clear messages, secrets kept out, the SSRF guard on URLs."""

from __future__ import annotations

import base64
import json

import pytest
from pydantic import ValidationError

from distribution.domain.channels import Channel

SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()
TOKENS = ["masto-token-1", "bsky-pass-2", "x-token-3", "x-refresh-4", "li-token-5", "fb-token-6"]

CONFIGS = {
    "mastodon": {"instance_url": "https://mastodon.example", "access_token": TOKENS[0]},
    "bluesky": {"handle": "@Acme.bsky.social", "app_password": TOKENS[1]},
    "x": {"account": "@acme", "access_token": TOKENS[2], "refresh_token": TOKENS[3]},
    "linkedin": {"organization_urn": "urn:li:organization:123", "access_token": TOKENS[4]},
    "facebook": {"page_id": "1234567", "page_access_token": TOKENS[5]},
    "webhook": {"url": "https://hooks.example/in?x=1", "secret": SECRET},
    "email": {"sender": "News@Acme.example", "reply_to": "press@acme.example"},
}
RECIPIENTS = {
    "mastodon": "https://mastodon.example",
    "bluesky": "acme.bsky.social",
    "x": "acme",
    "linkedin": "urn:li:organization:123",
    "facebook": "1234567",
    "webhook": "https://hooks.example",
    "email": "news@acme.example",
}


def channel(kind: str, **overrides: object) -> Channel:
    config = {"kind": kind, **CONFIGS[kind], **overrides}
    return Channel(id="c1", tenant_id="t1", name="Main", config=config)


def error_text(kind: str, **overrides: object) -> str:
    with pytest.raises(ValidationError) as caught:
        channel(kind, **overrides)
    return str(caught.value)


@pytest.mark.parametrize("kind", sorted(CONFIGS))
def test_each_kind_validates_and_names_its_recipient(kind):
    made = channel(kind)
    assert made.kind == kind
    assert made.recipient == RECIPIENTS[kind]


@pytest.mark.parametrize("kind", sorted(CONFIGS))
def test_no_secret_leaves_through_views_dumps_or_reprs(kind):
    made = channel(kind)
    shown = [
        json.dumps(made.public_view()),
        made.model_dump_json(),
        repr(made),
        str(made.model_dump()),
    ]
    for text in shown:
        assert not any(token in text for token in [*TOKENS, SECRET])


def test_public_view_says_which_credentials_are_set():
    view = channel("x", refresh_token=None).public_view()
    assert view["config"]["credentials_set"] == ["access_token"]
    assert "access_token" not in view["config"]
    assert view["config"]["account"] == "acme"


@pytest.mark.parametrize(
    ("kind", "overrides", "message"),
    [
        ("mastodon", {"access_token": "  "}, "an access token is required"),
        ("mastodon", {"instance_url": "ftp://m.example"}, "must be an https URL"),
        ("bluesky", {"handle": "not a handle"}, "is not a handle"),
        ("x", {"account": "far-too-long-handle-name"}, "is not an X handle"),
        ("linkedin", {"organization_urn": "urn:li:person:1"}, "organisation URN"),
        ("facebook", {"page_id": "acme"}, "is not a page id"),
        ("webhook", {"secret": "plain"}, "must start with 'whsec_'"),
        ("webhook", {"secret": "whsec_!!"}, "base64"),
        ("webhook", {"secret": "whsec_" + base64.b64encode(b"short").decode()}, "24 to 64"),
        ("webhook", {"event_types": ["release.exploded"]}, "unknown event types"),
        ("webhook", {"event_types": []}, "at least one event type"),
        ("email", {"sender": "not-an-address"}, "sender"),
        ("email", {"sender_name": "A\r\nBcc: x@y.z"}, "must be one line"),
    ],
)
def test_invalid_configs_say_what_is_wrong(kind, overrides, message):
    assert message in error_text(kind, **overrides)


def test_missing_credentials_are_named():
    with pytest.raises(ValidationError, match="access_token"):
        Channel.model_validate(
            {"id": "c", "tenant_id": "t", "name": "n", "config": {"kind": "linkedin",
             "organization_urn": "urn:li:organization:1"}}
        )  # fmt: skip


def test_tests_may_allow_http_and_local_addresses():
    made = channel("webhook", url="http://127.0.0.1:8000/hook", allow_insecure_url=True)
    assert made.recipient == "http://127.0.0.1:8000"
    assert "loopback" in error_text("webhook", url="https://127.0.0.1:8000/hook")
