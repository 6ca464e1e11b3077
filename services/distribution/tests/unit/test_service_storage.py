"""How channels, deliveries and subscribers are stored: credentials encrypted, nothing lost."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from distribution.adapters.crypto import CredentialCipher, CredentialsUnreadableError, new_key
from distribution.adapters.mongo.channels import channel_document, channel_from
from distribution.adapters.mongo.deliveries import delivery_fields, delivery_from
from distribution.adapters.mongo.subscribers import subscriber_document, subscriber_from
from distribution.domain.channels import BlueskyConfig, Channel, MastodonConfig
from distribution.domain.delivery import Delivery
from distribution.domain.subscribers import Consent, Subscriber

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
TOKEN = "super-secret-access-token"


def mastodon_channel() -> Channel:
    return Channel(
        id="c1",
        tenant_id="t1",
        name="Acme on Mastodon",
        newsroom_id="n1",
        config=MastodonConfig(instance_url="https://mastodon.example", access_token=TOKEN),
    )


def test_credentials_are_encrypted_in_the_document_and_come_back() -> None:
    cipher = CredentialCipher([new_key()])
    channel = mastodon_channel()
    document = channel_document(channel, cipher)
    assert TOKEN not in json.dumps(document)
    assert "access_token" not in document["config"]
    assert document["config"]["instance_url"] == "https://mastodon.example"
    restored = channel_from(document, cipher)
    assert restored == channel
    assert isinstance(restored.config, MastodonConfig)
    assert restored.config.access_token.get_secret_value() == TOKEN


def test_a_rotated_key_still_reads_old_credentials_and_rotate_moves_them_to_the_new_key() -> None:
    old, new = new_key(), new_key()
    channel = Channel(
        id="c2",
        tenant_id="t1",
        name="Bluesky",
        config=BlueskyConfig(handle="acme.bsky.social", app_password=SecretStr("abcd-efgh")),
    )
    document = channel_document(channel, CredentialCipher([old]))
    rotated_cipher = CredentialCipher([new, old])
    assert channel_from(document, rotated_cipher) == channel
    document["credentials"] = rotated_cipher.rotate(document["credentials"])
    assert channel_from(document, CredentialCipher([new])) == channel
    with pytest.raises(CredentialsUnreadableError):
        channel_from(document, CredentialCipher([old]))


def test_the_cipher_never_shows_its_keys() -> None:
    key = new_key()
    assert key not in repr(CredentialCipher([key]))


def test_a_delivery_survives_the_round_trip() -> None:
    delivery = Delivery.plan(
        tenant_id="t1",
        release_id="r1",
        newsroom_id="n1",
        channel_id="c1",
        channel_kind="mastodon",
        recipient="https://mastodon.example",
        now=NOW,
    )
    sent = delivery.start_attempt().succeed(NOW + timedelta(seconds=1), "42", "https://m/42")
    document = {"_id": sent.id, **delivery_fields(sent), "claim": "x", "owner": "w"}
    assert document["status"] == "sent"
    assert delivery_from(document) == sent


def test_a_subscriber_survives_the_round_trip() -> None:
    subscriber = Subscriber.create(
        subscriber_id="s1",
        tenant_id="t1",
        newsroom_id="n1",
        email="Reader@Example.org",
        consent=Consent(given_at=NOW, method="double_opt_in"),
        now=NOW,
        categories=["Tech"],
    ).confirm(NOW)
    document = subscriber_document(subscriber)
    assert document["_id"] == "s1"
    assert document["status"] == "confirmed"
    assert subscriber_from(document) == subscriber
