"""Sources into posts: our comments and signed inbound webhooks, on fakes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from listening.domain.errors import BadSignatureError, InvalidPostError, NotFoundError
from listening.domain.releases import KnownRelease
from listening.service import sources
from listening.service.intake import comment_to_post
from listening.service.ports import Deps
from newsroom_shared.events.comments import CommentPosted
from newsroom_shared.events.listening import PostFetched

from .conftest import FakeUnitOfWork

NOW = datetime(2030, 1, 1, 9, tzinfo=UTC)


def comment(**changes: Any) -> CommentPosted:
    values: dict[str, Any] = {
        "tenant_id": "t1",
        "comment_id": "c1",
        "release_id": "r1",
        "newsroom_id": "n1",
        "author_name": "Jane",
        "body_text": "The Roadrunner 2 is broken",
        "language": "en",
        "posted_at": NOW,
        "status": "approved",
    }
    return CommentPosted(**(values | changes))


async def test_a_comment_becomes_a_post_about_its_release(uow: FakeUnitOfWork) -> None:
    await uow.releases.put(KnownRelease("t1", "r1", "https://news.example/acme/releases/r1", "R"))
    await comment_to_post(uow, comment(), NOW)
    await uow.flush()
    [post] = uow.events
    assert isinstance(post, PostFetched)
    assert (post.tenant_id, post.post_key, post.source_kind) == ("t1", "comment:c1", "comment")
    assert post.source_url == "https://news.example/acme/releases/r1"
    assert post.release_id == "r1"
    assert (post.author, post.language, post.published_at) == ("Jane", "en", NOW)


async def test_a_comment_on_a_release_not_yet_known_still_names_it(uow: FakeUnitOfWork) -> None:
    await comment_to_post(uow, comment(), NOW)
    await uow.flush()
    [post] = uow.events
    assert isinstance(post, PostFetched)
    assert post.source_url == "urn:newsroom:release:r1"
    assert post.release_id == "r1"


@pytest.mark.parametrize("changes", [{"is_official_reply": True}, {"status": "spam"}])
async def test_official_replies_and_spam_are_not_mentions(
    uow: FakeUnitOfWork, changes: dict[str, Any]
) -> None:
    await comment_to_post(uow, comment(**changes), NOW)
    await uow.flush()
    assert uow.events == []


async def test_a_signed_webhook_becomes_a_post(uow: FakeUnitOfWork, deps: Deps) -> None:
    source, secret = await sources.create_source(uow, deps, "t1", name="Zapier")
    assert secret == f"whsec_{source.id}"
    body = json.dumps(
        {"text": "Acme rocks", "url": "https://blog.example/p", "language": "EN", "extra": 1}
    )
    headers = {"webhook-id": "msg_1", "webhook-signature": f"ok:{source.id}"}
    await sources.receive_webhook(uow, deps, source.id, body.encode(), headers)
    [post] = uow.events
    assert isinstance(post, PostFetched)
    assert (post.tenant_id, post.source_kind, post.language) == ("t1", "webhook", "en")
    assert post.url == "https://blog.example/p"
    assert post.post_key != f"webhook:{source.id}:msg_1"  # keyed by the URL when it has one


async def test_a_webhook_without_url_is_keyed_by_its_message_id(
    uow: FakeUnitOfWork, deps: Deps
) -> None:
    source, _ = await sources.create_source(uow, deps, "t1", name="Zapier")
    headers = {"webhook-id": "msg_7", "webhook-signature": f"ok:{source.id}"}
    await sources.receive_webhook(uow, deps, source.id, b'{"text": "Acme"}', headers)
    [post] = uow.events
    assert isinstance(post, PostFetched)
    assert post.post_key == f"webhook:{source.id}:msg_7"


async def test_a_bad_signature_changes_nothing(uow: FakeUnitOfWork, deps: Deps) -> None:
    source, _ = await sources.create_source(uow, deps, "t1", name="Zapier")
    with pytest.raises(BadSignatureError):
        await sources.receive_webhook(
            uow, deps, source.id, b'{"text": "x"}', {"webhook-signature": "forged"}
        )
    assert uow.events == []


@pytest.mark.parametrize(
    "body",
    [b'{"text": ""}', b'{"url": "https://x.example"}', b'{"text": "x", "url": "ftp://x"}'],
)
async def test_a_signed_but_invalid_body_is_refused(
    uow: FakeUnitOfWork, deps: Deps, body: bytes
) -> None:
    source, _ = await sources.create_source(uow, deps, "t1", name="Zapier")
    with pytest.raises(InvalidPostError):
        await sources.receive_webhook(
            uow, deps, source.id, body, {"webhook-signature": f"ok:{source.id}"}
        )


async def test_sources_are_per_tenant(uow: FakeUnitOfWork, deps: Deps) -> None:
    source, _ = await sources.create_source(uow, deps, "t1", name="Zapier")
    assert (await sources.list_sources(uow, "t2", after_id=None, limit=10)).items == []
    with pytest.raises(NotFoundError):
        await sources.delete_source(uow, "t2", source.id)
    await sources.delete_source(uow, "t1", source.id)
    with pytest.raises(NotFoundError):
        await sources.receive_webhook(uow, deps, source.id, b"{}", {})
