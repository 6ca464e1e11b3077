"""Mastodon sources on the local servers against a fake instance on loopback: the API (admin,
tenant-scoped, SSRF-checked, 409 on duplicates, bad input 4xx), statuses streamed into
PostFetched, a dropped stream resumed without loss or duplicate, a refused stream polled, a
malformed status skipped, one connection per source across two replicas, and a status naming
a query's term ending as a mention with its MentionDetected."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from listening_fakes.auth import (
    api_settings,
    headers,
    listening_of,
    staff_api,
    staff_api_on_own_database,
    until_posts_in_outbox,
)
from listening_fakes.loopback import serving
from listening_fakes.mastodon import FakeMastodon

from listening.adapters.malformed import skipped_count
from listening.config import ListeningSettings
from newsroom_shared.events.listening import MentionDetected, MentionUpdated
from newsroom_shared.http.auth import Scope
from newsroom_testing.consumer import eventually
from newsroom_testing.fixtures import drop_test_database

pytestmark = pytest.mark.connected
A, B = "tenant-a", "tenant-b"
TOKEN = "mastodon-read-token"
SOURCES = "/v1/sources/mastodon"


@pytest.fixture
async def fake() -> AsyncIterator[FakeMastodon]:
    instance = FakeMastodon()
    async with serving(instance.app()) as base_url:
        instance.base_url = base_url
        yield instance
        instance.serve_streams()
        instance.drop_streams()


def follower_settings(infra: Any, unique: str, **overrides: Any) -> ListeningSettings:
    values: dict[str, Any] = {
        "allow_insecure_urls": True,
        "mastodon_followers_enabled": True,
        "mastodon_lease_ttl_s": 3.0,
        "mastodon_poll_interval_s": 0.05,
        "mastodon_backoff_max_s": 0.05,
        "mastodon_stream_retry_s": 600.0,
    }
    values.update(overrides)
    return api_settings(infra, unique, **values)


@pytest.fixture
async def api(
    infra: Any, unique: str, mongo_client: Any, fake: FakeMastodon
) -> AsyncIterator[httpx.AsyncClient]:
    """The API with the Mastodon followers running (no consumers)."""
    settings = follower_settings(infra, unique)
    async with staff_api_on_own_database(settings, mongo_client) as client:
        yield client


async def follow(
    api: httpx.AsyncClient, fake: FakeMastodon, tenant: str = A, **body: Any
) -> dict[str, Any]:
    answer = await api.post(
        SOURCES,
        json={"instance_url": fake.base_url, "timeline": "public", **body},
        headers=headers(tenant),
    )
    assert answer.status_code == 201, answer.text
    source: dict[str, Any] = answer.json()
    return source


async def until_state(
    api: httpx.AsyncClient, source_id: str, state: str, tenant: str = A
) -> dict[str, Any]:
    async def reached() -> dict[str, Any] | None:
        answer = await api.get(f"{SOURCES}/{source_id}", headers=headers(tenant))
        source: dict[str, Any] = answer.json()
        return source if source["status"]["state"] == state else None

    found: dict[str, Any] = await eventually(reached, f"source {state}", timeout_s=30)
    return found


async def test_a_hashtag_timeline_is_streamed_with_the_token_into_posts(
    api: httpx.AsyncClient, fake: FakeMastodon
) -> None:
    fake.streaming_token = TOKEN
    source = await follow(api, fake, timeline="hashtag", hashtag="#Acme", access_token=TOKEN)
    assert source["has_access_token"] is True
    assert TOKEN not in str(source)
    await until_state(api, source["id"], "streaming")

    fake.post("<p>Other news</p>", tags=("other",))
    status = fake.post("<p>The <b>Acme</b> Roadrunner</p>", tags=("acme",), spoiler_text="CW")

    [post] = await until_posts_in_outbox(api, 1)
    assert post.tenant_id == A
    assert post.source_kind == "mastodon"
    assert post.text == "CW\n\nThe Acme Roadrunner"
    assert post.url == status["url"]
    assert post.author == "jane"
    assert post.source_url == f"{fake.base_url}/tags/acme"
    stored = await listening_of(api).runtime.db["mastodon_sources"].find_one({"_id": source["id"]})
    assert TOKEN not in str(stored)


async def test_a_dropped_stream_resumes_without_loss_or_duplicate(
    api: httpx.AsyncClient, fake: FakeMastodon
) -> None:
    source = await follow(api, fake)
    await until_state(api, source["id"], "streaming")
    first = fake.post("one")
    await until_posts_in_outbox(api, 1)

    fake.hold_streams()
    fake.drop_streams()
    await eventually(lambda: fake.stream_requests == 2, "the reconnect")
    missed = [fake.post("two"), fake.post("three")]  # while the follower is away
    fake.serve_streams()
    await eventually(lambda: fake.open_streams == 1, "the stream again")
    last = fake.post("four")

    posts = await until_posts_in_outbox(api, 4)
    assert sorted(p.url or "" for p in posts) == sorted(s["url"] for s in [first, *missed, last])
    assert {"min_id": first["id"], "limit": "40"}.items() <= fake.timeline_requests[-2].items()
    listed = await until_state(api, source["id"], "streaming")
    assert listed["last_status_id"] == last["id"]


async def test_a_refused_stream_falls_back_to_polling(
    api: httpx.AsyncClient, fake: FakeMastodon
) -> None:
    fake.refuse_streaming = True
    source = await follow(api, fake)
    polling = await until_state(api, source["id"], "polling")
    assert polling["status"]["detail"].startswith("streaming refused: 401")

    statuses = [fake.post("one"), fake.post("two")]

    posts = await until_posts_in_outbox(api, 2)
    assert [p.url for p in posts] == [s["url"] for s in statuses]
    assert fake.open_streams == 0


async def test_a_stream_answered_with_a_web_page_is_polled(
    api: httpx.AsyncClient, fake: FakeMastodon
) -> None:
    fake.stream_as_html = True
    source = await follow(api, fake)
    polling = await until_state(api, source["id"], "polling")
    assert polling["status"]["detail"] == "streaming refused: 200 but text/html type"

    status = fake.post("one")

    [post] = await until_posts_in_outbox(api, 1)
    assert post.url == status["url"]


async def test_a_malformed_status_is_skipped_and_counted(
    api: httpx.AsyncClient, fake: FakeMastodon
) -> None:
    source = await follow(api, fake)
    await until_state(api, source["id"], "streaming")
    before = skipped_count("mastodon")

    fake.publish({"content": "Acme", "account": None, "created_at": "never"})
    good = fake.post("still here")

    [post] = await until_posts_in_outbox(api, 1)
    assert post.url == good["url"]
    assert skipped_count("mastodon") == before + 1
    assert fake.stream_requests == 1  # the connection survived it


async def test_two_replicas_hold_one_connection_per_source_and_hand_it_over(
    infra: Any, unique: str, mongo_client: Any, fake: FakeMastodon
) -> None:
    settings = follower_settings(infra, unique)
    apps = [staff_api(settings), staff_api(settings)]
    clients = [await app.__aenter__() for app in apps]
    running = list(apps)
    try:
        replicas = [listening_of(client) for client in clients]
        sources = {
            (await follow(clients[0], fake, timeline="hashtag", hashtag=tag))["id"]
            for tag in ("a", "b")
        }

        def followed_once() -> bool:
            held = [sorted(r.mastodon.followers.following) for r in replicas]
            return sorted(held[0] + held[1]) == sorted(sources)

        await eventually(followed_once, "every source followed by one replica")
        passes = [r.mastodon.loop.passes for r in replicas]
        await eventually(
            lambda: all(
                r.mastodon.loop.passes >= n + 2 for r, n in zip(replicas, passes, strict=True)
            ),
            "two more looks by each replica",
        )
        assert followed_once()
        assert fake.open_streams == len(sources)

        holder = next(i for i, r in enumerate(replicas) if r.mastodon.followers.following)
        await running.pop(holder).__aexit__(None, None, None)  # gives its leases up
        other = replicas[1 - holder]

        await eventually(lambda: other.mastodon.followers.following == sources, "the takeover")
        await eventually(lambda: fake.open_streams == len(sources), "the streams reopened")
    finally:
        for app in running:
            await app.__aexit__(None, None, None)
        await drop_test_database(mongo_client, settings.database_name)


@asynccontextmanager
async def following_roadrunner(
    infra: Any, unique: str, mongo_client: Any, fake: FakeMastodon
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """The app with consumers and followers on, its own tenant (the internal topic is shared by
    every test) asking for "roadrunner" and streaming the fake's timeline."""
    settings = follower_settings(
        infra,
        unique,
        consumers_enabled=True,
    )
    tenant = f"t-{unique}"
    try:
        async with staff_api(settings) as api:
            query = await api.post(
                "/v1/queries",
                json={"name": "Roadrunner", "text": "roadrunner"},
                headers=headers(tenant),
            )
            assert query.status_code == 201, query.text
            source = await follow(api, fake, tenant)
            await until_state(api, source["id"], "streaming", tenant)
            index = listening_of(api).index
            await eventually(lambda: index.matcher.size == 1, "the query matched")
            yield api, tenant
    finally:
        await drop_test_database(mongo_client, settings.database_name)


async def test_a_status_naming_a_query_term_becomes_a_mention(
    infra: Any, unique: str, mongo_client: Any, fake: FakeMastodon
) -> None:
    async with following_roadrunner(infra, unique, mongo_client, fake) as (api, tenant):
        status = fake.post("<p>My Roadrunner broke after one day. Awful.</p>")

        async def mentioned() -> list[dict[str, Any]]:
            answer = await api.get("/v1/mentions", headers=headers(tenant))
            items: list[dict[str, Any]] = answer.json()["items"]
            return items

        [mention] = await eventually(mentioned, "the mention", timeout_s=60)
        assert mention["source_kind"] == "mastodon"
        assert mention["url"] == status["url"]
        assert mention["sentiment_label"] == "negative"
        outbox = listening_of(api).runtime.db["outbox"]
        detected = [
            MentionDetected.model_validate_json(event["value"])
            async for document in outbox.find({})
            for event in document["events"]
            if event["topic"] == MentionDetected.topic
        ]
        assert [d.mention_id for d in detected] == [mention["id"]]


async def test_an_edited_status_is_rescored_and_a_deleted_one_withdrawn_through_the_stream(
    infra: Any, unique: str, mongo_client: Any, fake: FakeMastodon
) -> None:
    async with following_roadrunner(infra, unique, mongo_client, fake) as (api, tenant):

        async def mentions(**params: str) -> list[dict[str, Any]]:
            answer = await api.get("/v1/mentions", params=params, headers=headers(tenant))
            items: list[dict[str, Any]] = answer.json()["items"]
            return items

        status = fake.post("<p>My Roadrunner arrived today.</p>")
        [first] = await eventually(mentions, "the mention", timeout_s=60)
        assert first["sentiment_label"] == "neutral"

        fake.edit(status, "<p>My Roadrunner arrived broken. I hate it.</p>")

        async def rescored() -> dict[str, Any] | None:
            [mention] = await mentions()
            return mention if mention["sentiment_label"] == "negative" else None

        revised = await eventually(rescored, "the edit applied", timeout_s=60)
        assert (revised["id"], revised["text"]) == (
            first["id"],
            "My Roadrunner arrived broken. I hate it.",
        )
        assert revised["edited_at"] is not None

        fake.delete(status)

        async def withdrawn() -> list[dict[str, Any]] | None:
            return await mentions(taken_down="true") if await mentions() == [] else None

        [gone] = await eventually(withdrawn, "the mention withdrawn", timeout_s=60)
        assert (gone["id"], gone["withdrawn"]) == (first["id"], "deleted")
        outbox = listening_of(api).runtime.db["outbox"]
        updates = [
            MentionUpdated.model_validate_json(event["value"])
            async for document in outbox.find({})
            for event in document["events"]
            if event["topic"] == MentionUpdated.topic
        ]
        assert [(u.sentiment_label, u.withdrawn) for u in updates] == [
            ("negative", None),
            ("negative", "deleted"),
        ]


# The API


@pytest.fixture
async def plain_api(infra: Any, unique: str, mongo_client: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The API as in production: the SSRF guard on, no followers."""
    settings = api_settings(infra, unique)
    async with staff_api_on_own_database(settings, mongo_client) as client:
        yield client


async def test_admins_follow_list_and_unfollow_timelines(plain_api: httpx.AsyncClient) -> None:
    body = {"instance_url": "https://Mastodon.Example/", "timeline": "public", "local_only": True}
    created = await plain_api.post(SOURCES, json=body, headers=headers(A))
    assert created.status_code == 201, created.text
    source = created.json()
    assert source["instance_url"] == "https://mastodon.example"
    assert source["web_url"] == "https://mastodon.example/public/local"
    assert source["has_access_token"] is False
    assert source["status"]["state"] == "starting"

    listed = await plain_api.get(SOURCES, headers=headers(A, Scope.viewer))
    assert [s["id"] for s in listed.json()["items"]] == [source["id"]]
    again = await plain_api.post(
        SOURCES, json={**body, "instance_url": "https://mastodon.example"}, headers=headers(A)
    )
    assert again.status_code == 409, again.text
    assert again.json()["code"] == "already_exists"
    other_tenant = await plain_api.post(SOURCES, json=body, headers=headers(B))
    assert other_tenant.status_code == 201

    deleted = await plain_api.delete(f"{SOURCES}/{source['id']}", headers=headers(A))
    assert deleted.status_code == 204
    gone = await plain_api.get(f"{SOURCES}/{source['id']}", headers=headers(A))
    assert gone.status_code == 404


@pytest.mark.parametrize(
    ("body", "location"),
    [
        ({"instance_url": "http://mastodon.example", "timeline": "public"}, "body.instance_url"),
        ({"instance_url": "https://127.0.0.1", "timeline": "public"}, "body.instance_url"),
        ({"instance_url": "https://192.168.1.9", "timeline": "public"}, "body.instance_url"),
        ({"instance_url": "https://a.example/@jane", "timeline": "public"}, "body.instance_url"),
        ({"instance_url": "https://a.example", "timeline": "hashtag"}, "body.hashtag.hashtag"),
        (
            {"instance_url": "https://a.example", "timeline": "public", "hashtag": "x"},
            "body.public.hashtag",
        ),
        (
            {"instance_url": "https://a.example", "timeline": "hashtag", "hashtag": "two words"},
            "body.hashtag",
        ),
        ({"instance_url": "https://a.example", "timeline": "federated"}, "body"),
        ({"instance_url": "https://a.example", "timeline": "public", "x": 1}, "body.public.x"),
        ({"timeline": "public"}, "body.public.instance_url"),
    ],
)
async def test_bad_input_is_a_422_naming_the_field(
    plain_api: httpx.AsyncClient, body: dict[str, Any], location: str
) -> None:
    answer = await plain_api.post(SOURCES, json=body, headers=headers(A))
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert location in [error["location"] for error in answer.json()["errors"]]


async def test_only_admins_follow_and_unfollow(plain_api: httpx.AsyncClient) -> None:
    body = {"instance_url": "https://mastodon.example", "timeline": "public"}
    refused = await plain_api.post(SOURCES, json=body, headers=headers(A, Scope.editor))
    assert refused.status_code == 403
    created = await plain_api.post(SOURCES, json=body, headers=headers(A))
    source_id = created.json()["id"]
    refused = await plain_api.delete(f"{SOURCES}/{source_id}", headers=headers(A, Scope.editor))
    assert refused.status_code == 403


async def test_a_source_whose_replica_died_is_taken_over_when_its_lease_runs_out(
    infra: Any, unique: str, mongo_client: Any, fake: FakeMastodon
) -> None:
    quiet = api_settings(infra, unique, allow_insecure_urls=True)  # no followers
    try:
        async with staff_api(quiet) as api:
            source = await follow(api, fake)
            # A replica that died holding it: its lease is not renewed, and not given up.
            leases = listening_of(api).runtime.db["leases"]
            expires = datetime.now(UTC) + timedelta(seconds=2)
            await leases.insert_one(
                {
                    "_id": f"listening.mastodon.{source['id']}",
                    "owner": "dead",
                    "expires_at": expires,
                }
            )
        async with staff_api(follower_settings(infra, unique)) as api:
            replica = listening_of(api)
            await eventually(
                lambda: replica.mastodon.followers.following == {source["id"]}, "the takeover"
            )
            await until_state(api, source["id"], "streaming")
            lease = await replica.runtime.db["leases"].find_one(
                {"_id": f"listening.mastodon.{source['id']}"}
            )
            assert lease is not None
            assert lease["owner"] == replica.runtime.instance
    finally:
        await drop_test_database(mongo_client, quiet.database_name)
