"""The visitors' API on the real local servers: posting, threads, pages, counts, the author's
edit and delete, reactions, reports, closing, the XSS corpus, bad input as problems."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from xss_corpus import CORPUS, links_have_rel, unsafe_parts

from newsroom_testing.clock import FakeClock

from .conftest import (
    A,
    comment_body,
    known_release,
    new_id,
    ok,
    post_mode,
    published,
    staff,
)

pytestmark = pytest.mark.connected


async def open_release(api: httpx.AsyncClient, **settings: object) -> str:
    event = await known_release(api, published(A))
    await post_mode(api, A, event.newsroom_id, **settings)
    return event.release_id


def comments_url(release_id: str) -> str:
    return f"/v1/public/releases/{release_id}/comments"


async def test_a_comment_and_its_replies_show_in_the_thread_and_the_count(
    api: httpx.AsyncClient,
) -> None:
    release = await open_release(api)
    url = comments_url(release)
    root = await ok(api, "POST", url, 201, json=comment_body("<em>Great</em> news"))
    assert (root["status"], root["comment"]["body_html"]) == ("approved", "<em>Great</em> news")
    reply = await ok(api, "POST", url, 201, json=comment_body("Agreed", parent_id=root["id"]))
    deeper = await ok(api, "POST", url, 201, json=comment_body("Me too", parent_id=reply["id"]))
    thread = await ok(api, "GET", url)
    [top] = thread["items"]
    assert top["id"] == root["id"]
    assert thread["next_cursor"] is None
    assert top["replies"][0]["id"] == reply["id"]
    assert top["replies"][0]["replies"][0]["id"] == deeper["id"]
    assert "email" not in str(thread)
    assert await ok(api, "GET", f"/v1/public/releases/{release}/comment-count") == {
        "release_id": release,
        "visible": 3,
        "open": True,
    }


async def test_pages_newest_or_oldest_first_with_a_cursor(
    api: httpx.AsyncClient, clock: FakeClock
) -> None:
    release = await open_release(api)
    url = comments_url(release)
    ids = []
    for n in range(5):
        clock.advance(timedelta(seconds=1))
        posted = await ok(api, "POST", url, 201, json=comment_body(f"Comment {n}"))
        ids.append(posted["id"])
    for order, expected in (("newest", ids[::-1]), ("oldest", ids)):
        seen: list[str] = []
        cursor = None
        while True:
            params = {"order": order, "limit": 2, **({"cursor": cursor} if cursor else {})}
            page = await ok(api, "GET", url, params=params)
            seen += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == expected, order


async def test_pre_moderation_holds_until_a_moderator_approves(api: httpx.AsyncClient) -> None:
    event = await known_release(api, published(A))  # default settings: pre-moderation
    url = comments_url(event.release_id)
    posted = await ok(api, "POST", url, 201, json=comment_body())
    assert (posted["status"], posted["hold_reasons"]) == ("pending", ["moderation_mode"])
    assert (await ok(api, "GET", url))["items"] == []
    await ok(
        api,
        "POST",
        f"/v1/comments/{posted['id']}/decisions",
        json={"decision": "approved"},
        headers=staff(A),
    )
    assert [c["id"] for c in (await ok(api, "GET", url))["items"]] == [posted["id"]]


async def test_the_author_edits_then_deletes_with_the_token(api: httpx.AsyncClient) -> None:
    release = await open_release(api)
    url = comments_url(release)
    posted = await ok(api, "POST", url, 201, json=comment_body("First words"))
    token = {"X-Author-Token": posted["author_token"]}
    mine = f"{url}/{posted['id']}"
    edited = await ok(api, "PATCH", mine, json={"text": "Better words"}, headers=token)
    assert edited["comment"]["body_html"] == "Better words"
    assert edited["comment"]["edited_at"]
    wrong = await api.patch(mine, json={"text": "x"}, headers={"X-Author-Token": "a.b.c"})
    assert (wrong.status_code, wrong.json()["code"]) == (400, "invalid_token")
    await ok(api, "DELETE", mine, 204, headers=token)
    await ok(api, "DELETE", mine, 204, headers=token)  # idempotent
    assert (await ok(api, "GET", url))["items"] == []


async def test_the_token_expires_with_the_edit_window(
    api: httpx.AsyncClient, clock: FakeClock
) -> None:
    release = await open_release(api)
    posted = await ok(api, "POST", comments_url(release), 201, json=comment_body())
    clock.advance(timedelta(minutes=16))
    answer = await api.delete(
        f"{comments_url(release)}/{posted['id']}",
        headers={"X-Author-Token": posted["author_token"]},
    )
    assert (answer.status_code, answer.json()["code"]) == (410, "token_expired")


async def test_reactions_count_once_per_reader_and_reports_reach_the_queue(
    api: httpx.AsyncClient,
) -> None:
    release = await open_release(api)
    url = comments_url(release)
    posted = await ok(api, "POST", url, 201, json=comment_body())
    one = f"{url}/{posted['id']}"
    for _ in range(2):
        reacted = await ok(api, "POST", f"{one}/reactions", json={"kind": "like"})
    assert reacted["reactions"] == {"like": 1}
    for _ in range(2):  # withdrawn once; a second withdrawal changes nothing
        withdrawn = await ok(api, "DELETE", f"{one}/reactions/like")
    assert withdrawn["reactions"] == {"like": 0}
    unknown = await api.delete(f"{one}/reactions/applause")
    assert unknown.status_code == 422
    await ok(api, "POST", f"{one}/reports", 202, json={"reason": "rude"})
    queue = await ok(api, "GET", "/v1/moderation/queue?reason=reported", headers=staff(A))
    assert [(c["id"], c["reports"]) for c in queue["items"]] == [(posted["id"], 1)]


async def test_an_official_reply_is_pinned_first_under_its_comment(
    api: httpx.AsyncClient,
) -> None:
    release = await open_release(api)
    url = comments_url(release)
    root = await ok(api, "POST", url, 201, json=comment_body("Why so late?"))
    await ok(api, "POST", url, 201, json=comment_body("Indeed", parent_id=root["id"]))
    answer = await ok(
        api,
        "POST",
        f"/v1/comments/{root['id']}/official-replies",
        201,
        json={"author_name": "Acme Press Team", "text": "We are sorry: here is why."},
        headers=staff(A),
    )
    [top] = (await ok(api, "GET", url, params={"order": "oldest"}))["items"]
    first = top["replies"][0]
    assert (first["id"], first["is_official_reply"]) == (answer["id"], True)


async def test_banned_words_refuse_holds_hold_and_the_honeypot_catches_bots(
    api: httpx.AsyncClient,
) -> None:
    release = await open_release(api, banned_words=["scam"], suspect_words=["lawsuit"], max_links=1)
    url = comments_url(release)
    refused = await api.post(url, json=comment_body("What a SCAM"))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["location"] == "body.text"
    held = await ok(api, "POST", url, 201, json=comment_body("See you at the lawsuit"))
    assert held["hold_reasons"] == ["suspect_word"]
    links = await ok(
        api, "POST", url, 201, json=comment_body("https://a.example and https://b.example")
    )
    assert links["hold_reasons"] == ["too_many_links"]
    bot = await ok(api, "POST", url, 201, json=comment_body("Hi", website="http://x.example"))
    assert bot["status"] == "spam"
    log = await ok(api, "GET", "/v1/moderation/log", headers=staff(A))
    assert sorted(e["action"] for e in log["items"]) == ["held", "held", "spam"]


async def test_a_banned_email_gets_403(api: httpx.AsyncClient) -> None:
    release = await open_release(api)
    posted = await ok(api, "POST", comments_url(release), 201, json=comment_body())
    mine = await ok(api, "GET", f"/v1/comments/{posted['id']}", headers=staff(A))
    await ok(
        api,
        "POST",
        "/v1/bans",
        201,
        json={"kind": "email", "digest": mine["email_hash"], "reason": "abuse"},
        headers=staff(A),
    )
    again = await api.post(comments_url(release), json=comment_body("Once more"))
    assert (again.status_code, again.json()["code"]) == (403, "forbidden")


async def test_closed_unknown_and_withdrawn_releases(api: httpx.AsyncClient) -> None:
    event = await known_release(api, published(A))
    await post_mode(api, A, event.newsroom_id, open_days=1)
    comments_of_old = comments_url(event.release_id)
    # A newsroom period of one day, and a release published two days ago.
    old = await known_release(
        api,
        published(
            A,
            newsroom_id=event.newsroom_id,
            published_at=event.published_at - timedelta(days=2),
        ),
    )
    closed = await api.post(comments_url(old.release_id), json=comment_body())
    assert (closed.status_code, closed.json()["code"]) == (409, "comments_closed")
    assert (await ok(api, "GET", f"/v1/public/releases/{old.release_id}/comment-count"))[
        "open"
    ] is False
    assert (await api.post(comments_of_old, json=comment_body())).status_code == 201
    unknown = await api.get(comments_url(new_id()))
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize(
    ("body", "location"),
    [
        ({"author_name": "J", "email": "not-an-email", "text": "x"}, "body.email"),
        ({"author_name": " ", "email": "j@example.com", "text": "x"}, "body.author_name"),
        ({"author_name": "J", "email": "j@example.com", "text": "<script>x</script>"}, "body.text"),
        ({"author_name": "J", "email": "j@example.com", "text": "x", "extra": 1}, "body.extra"),
        (
            {"author_name": "J", "email": "j@example.com", "text": "x", "parent_id": "1"},
            "body.parent_id",
        ),
    ],
)
async def test_bad_input_is_a_422_problem_naming_the_field(
    api: httpx.AsyncClient, body: dict[str, object], location: str
) -> None:
    release = await open_release(api)
    answer = await api.post(comments_url(release), json=body)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert [e["location"] for e in answer.json()["errors"]] == [location]


async def test_the_xss_corpus_posted_through_the_api_is_stored_safe(
    api: httpx.AsyncClient,
) -> None:
    release = await open_release(api)
    url = comments_url(release)
    for attack in CORPUS:
        # Markup split across fields too: the name is plain text, shown escaped.
        body = comment_body(f"Look {attack} here", author_name=f"<b>{attack[:60]}")
        posted = await ok(api, "POST", url, 201, json=body)
        stored = await ok(api, "GET", f"/v1/comments/{posted['id']}", headers=staff(A))
        assert unsafe_parts(stored["body_html"]) == [], attack
        assert links_have_rel(stored["body_html"])
    thread = await ok(api, "GET", url, params={"limit": 100})
    assert len(thread["items"]) == len(CORPUS)
    for item in thread["items"]:
        assert unsafe_parts(item["body_html"]) == []
