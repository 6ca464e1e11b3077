"""The wire template: a message stamped per recipient equals the one built the slow way."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

from hypothesis import given, settings
from hypothesis import strategies as st

from distribution.domain.email import Recipient, ReleaseEmail, Sender, render_release
from distribution.domain.email.wire import PreparedMessage, ReleaseMail

NOW = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
SENDER = Sender(address="news@acme.example", name="Acme News", reply_to="press@acme.example")
LIST_ID = "Acme News <n1.t1.lists.acme.example>"
TOKEN = "eyJ0IjoidDEiLCJzIjoiczEifQ.Zk3x9A.abcdefghijklmnopqrstuvwxyz0123456789-_" * 2


def release(**changes: object) -> ReleaseEmail:
    fields: dict[str, object] = {
        "release_id": "r1",
        "newsroom_name": "Acme",
        "title": "Acme ships & grows",
        "lead": "Faster than ever.",
        "url": "https://news.example/acme/launch",
        "language": "en",
        "image_url": "https://cdn.example/i.png",
        **changes,
    }
    return ReleaseEmail(**fields)  # type: ignore[arg-type]


def recipient(address: str = "reader1@example.com", delivery_id: str = "d1") -> Recipient:
    url = f"https://news.example/v1/unsubscribe/{TOKEN}"
    return Recipient(
        address=address,
        delivery_id=delivery_id,
        unsubscribe_url=url,
        unsubscribe_mailto=f"mailto:news@acme.example?subject=unsubscribe%20{TOKEN}",
    )


def parsed(data: bytes) -> EmailMessage:
    message = message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def same_message(fast: bytes, slow: EmailMessage) -> None:
    """Equal as a mail reader sees them: every header (unfolded) and every part's content (the
    multipart boundary is random, and the parts' transfer encodings may differ)."""
    ours = parsed(fast)
    theirs = parsed(slow.as_bytes(policy=slow.policy.clone(cte_type="8bit", linesep="\r\n")))

    def headers(message: EmailMessage) -> list[tuple[str, str]]:
        return [(k, str(v)) for k, v in message.items() if k != "Content-Type"]

    assert headers(ours) == headers(theirs)
    assert ours.get_content_type() == theirs.get_content_type() == "multipart/alternative"
    our_parts = [p for p in ours.walk() if not p.is_multipart()]
    their_parts = [p for p in theirs.walk() if not p.is_multipart()]
    # Line endings aside: the wire has CRLF whatever the part's encoding.
    assert [(p.get_content_type(), _lines(p.get_content())) for p in our_parts] == [
        (p.get_content_type(), _lines(p.get_content())) for p in their_parts
    ]


def _lines(content: str) -> list[str]:
    return content.replace("\r\n", "\n").split("\n")


def stamped(mail: ReleaseMail, to: Recipient) -> PreparedMessage:
    message = mail.for_recipient(to)
    assert isinstance(message, PreparedMessage)
    return message


def test_a_stamped_message_equals_the_built_one_for_each_recipient() -> None:
    rendered = render_release(release(), sender=SENDER, list_id=LIST_ID, now=NOW)
    mail = ReleaseMail.of(rendered)
    assert mail.wire is not None
    for n in range(3):
        to = recipient(f"reader{n}@example.com", f"d{n}")
        fast = stamped(mail, to)
        same_message(fast.data, rendered.message_for(to))
        assert fast.message_id == f"<d{n}@acme.example>"
        assert (fast.sender, fast.recipient) == ("news@acme.example", f"reader{n}@example.com")
        assert fast.data.count(TOKEN.encode()) == 4  # header URL, mailto, text and HTML links
        assert not fast.eight_bit


def test_non_ascii_text_is_stamped_as_eight_bit() -> None:
    rendered = render_release(
        release(title="Grüße aus Köln", lead="Schneller als je zuvor: 30 % mehr Reichweite"),
        sender=SENDER,
        list_id=LIST_ID,
        now=NOW,
    )
    fast = stamped(ReleaseMail.of(rendered), recipient())
    assert fast.eight_bit
    same_message(fast.data, rendered.message_for(recipient()))


def test_what_cannot_be_stamped_exactly_is_built_the_slow_way() -> None:
    rendered = render_release(release(), sender=SENDER, list_id=LIST_ID, now=NOW)
    mail = ReleaseMail.of(rendered)
    unusual = recipient(address="jörg@exämple.de")  # not plain ASCII
    assert isinstance(mail.for_recipient(unusual), EmailMessage)
    # A body line too long for 8bit: the text part is quoted-printable, no template at all.
    long_lead = "word " * 300
    wordy = render_release(
        release(lead=long_lead.replace(" ", "")), sender=SENDER, list_id=LIST_ID, now=NOW
    )
    assert ReleaseMail.of(wordy).wire is None
    assert isinstance(ReleaseMail.of(wordy).for_recipient(recipient()), EmailMessage)


@settings(max_examples=15, deadline=None)
@given(
    title=st.text(min_size=1, max_size=60).filter(lambda t: t.strip()),
    lead=st.text(max_size=120),
    name=st.text(max_size=40),
)
def test_stamping_matches_building_for_any_release_text(title: str, lead: str, name: str) -> None:
    sender = Sender(address="news@acme.example", name=name, reply_to=None)
    try:
        rendered = render_release(
            release(title=title, lead=lead), sender=sender, list_id=LIST_ID, now=NOW
        )
        slow = rendered.message_for(recipient())
    except ValueError:
        return  # texts the slow way refuses too (e.g. line breaks in a header)
    message = ReleaseMail.of(rendered).for_recipient(recipient())
    if isinstance(message, PreparedMessage):
        same_message(message.data, slow)
