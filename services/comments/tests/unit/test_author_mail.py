"""The author's mail: queued with the comment (same unit of work), in the newsroom's
language, carrying the link to the author's page with their token; none for spam."""

from __future__ import annotations

import pytest

from comments.domain.emails import MailFacts, render
from comments.domain.errors import InvalidInputError
from comments.domain.mail import MailKind
from comments.domain.newsrooms import KnownNewsroom
from comments.domain.settings import CommentSettings, ModerationMode
from comments.service import authoring, posting
from comments.service.ports import Deps, Visitor

from .conftest import FakeUnitOfWork, Store, known_release

VISITOR = Visitor(client="203.0.113.9")


@pytest.fixture
def newsroom(store: Store) -> KnownNewsroom:
    store.releases[("t1", "r1")] = known_release(title="Big <news>")
    store.settings[("t1", "n1")] = CommentSettings("t1", "n1", mode=ModerationMode.post)
    found = KnownNewsroom("t1", "n1", "acme", "Acme & Co", 1, language="sv-SE")
    store.newsrooms[("t1", "n1")] = found
    return found


def new(**fields: str) -> posting.NewComment:
    values = {"release_id": "r1", "author_name": "Jane", "email": " jane@example.com", "text": "Hi"}
    values.update(fields)
    return posting.NewComment(**values)


@pytest.mark.usefixtures("newsroom")
async def test_posting_queues_the_authors_link_in_the_newsrooms_language(
    uow: FakeUnitOfWork, deps: Deps, store: Store
) -> None:
    posted = await posting.post_comment(uow, deps, VISITOR, new())
    [mail] = store.mails
    assert (mail.kind, mail.recipient, mail.comment_id) == (
        MailKind.author_link,
        "jane@example.com",
        posted.comment.id,
    )
    link = f"{deps.public_base_url}/v1/public/manage/{posted.token}?lang=sv"
    assert link in mail.content.text
    assert mail.content.subject == "Din kommentar hos Acme & Co"
    assert "Big &lt;news&gt;" in mail.content.html
    assert "15 minuter" in mail.content.text


@pytest.mark.usefixtures("newsroom")
async def test_spam_gets_no_mail_and_a_refused_comment_queues_none(
    uow: FakeUnitOfWork, deps: Deps, store: Store
) -> None:
    await posting.post_comment(uow, deps, VISITOR, new(honeypot="http://spam.example"))
    store.settings[("t1", "n1")] = CommentSettings("t1", "n1", banned_words=("darn",))
    with pytest.raises(InvalidInputError):
        await posting.post_comment(uow, deps, VISITOR, new(text="darn it"))
    assert store.mails == []


@pytest.mark.usefixtures("newsroom")
async def test_the_authors_page_finds_the_comment_of_its_token(
    uow: FakeUnitOfWork, deps: Deps
) -> None:
    posted = await posting.post_comment(uow, deps, VISITOR, new())
    found = await authoring.manageable(uow, deps, posted.token)
    assert (found.comment.id, found.release_title, found.language) == (
        posted.comment.id,
        "Big <news>",
        "sv-SE",
    )


def test_a_mail_in_a_language_without_phrases_is_english_and_headers_stay_one_line() -> None:
    facts = MailFacts("Jane", "Acme\r\nBcc: x@example.com", "T", "https://x.example/l", 15)
    rendered = render(MailKind.verification, "de", facts)
    assert rendered.subject == "Confirm your comment on Acme Bcc: x@example.com"
    assert "https://x.example/l" in rendered.text
    assert 'href="https://x.example/l"' in rendered.html
