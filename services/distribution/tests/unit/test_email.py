"""Release emails: content per language, escaping, RFC 8058 headers, one render per release."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import jinja2
import pytest

from distribution.domain.email import (
    Recipient,
    ReleaseEmail,
    Sender,
    render_release,
    template_language,
)

NOW = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
SENDER = Sender(address="news@acme.example", name="Acme News", reply_to="press@acme.example")
LIST_ID = "Acme News <n1.t1.lists.acme.example>"


def release(**changes: object) -> ReleaseEmail:
    fields: dict[str, object] = {
        "release_id": "r1",
        "newsroom_name": "Acme",
        "title": "Acme <b>ships</b> & grows",
        "lead": "Lead <script>alert(1)</script>",
        "url": "https://news.example/acme/launch",
        "language": "en",
        "image_url": "https://cdn.example/i.png",
        **changes,
    }
    return ReleaseEmail(**fields)  # type: ignore[arg-type]


def recipient(n: int = 1) -> Recipient:
    return Recipient(
        address=f"reader{n}@example.com",
        delivery_id=f"d{n}",
        unsubscribe_url=f"https://news.example/u/tok{n}?a=1&b=2",
        unsubscribe_mailto=f"mailto:unsubscribe@acme.example?subject=tok{n}",
    )


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    return text.get_content(), html.get_content()


def test_message_headers_follow_rfc_8058_and_2919():
    message = render_release(release(), sender=SENDER, list_id=LIST_ID, now=NOW).message_for(
        recipient()
    )
    assert message.get_content_type() == "multipart/alternative"
    assert message["From"] == "Acme News <news@acme.example>"
    assert message["To"] == "reader1@example.com"
    assert message["Reply-To"] == "press@acme.example"
    assert message["Subject"] == "Acme <b>ships</b> & grows"
    assert message["Message-ID"] == "<d1@acme.example>"
    assert message["Date"] == "Tue, 01 Jan 2030 09:00:00 +0000"
    assert message["List-Id"] == LIST_ID
    assert message["List-Unsubscribe"] == (
        "<https://news.example/u/tok1?a=1&b=2>, <mailto:unsubscribe@acme.example?subject=tok1>"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_parts_carry_the_release_and_html_is_escaped():
    text, html = parts(
        render_release(release(), sender=SENDER, list_id=LIST_ID, now=NOW).message_for(recipient())
    )
    assert "Acme <b>ships</b> & grows" in text  # plain text is not escaped
    assert "https://news.example/acme/launch" in text
    assert "https://news.example/u/tok1?a=1&b=2" in text
    assert "<script>" not in html
    assert "Lead &lt;script&gt;" in html
    assert "Acme &lt;b&gt;ships&lt;/b&gt; &amp; grows" in html
    assert 'src="https://cdn.example/i.png"' in html
    assert 'href="https://news.example/u/tok1?a=1&amp;b=2"' in html
    assert "Embargo" not in text + html


def test_the_image_carries_its_own_alt_text_or_the_title():
    def html_of(email: ReleaseEmail) -> str:
        rendered = render_release(email, sender=SENDER, list_id=LIST_ID, now=NOW)
        return parts(rendered.message_for(recipient()))[1]

    assert 'alt="A skate &amp; a rocket"' in html_of(release(image_alt="A skate & a rocket"))
    assert 'alt="Acme &lt;b&gt;ships&lt;/b&gt; &amp; grows"' in html_of(release())
    assert "<img" not in html_of(release(image_url=None))


def test_the_message_survives_a_round_trip_through_bytes():
    message = render_release(release(), sender=SENDER, list_id=LIST_ID, now=NOW).message_for(
        recipient()
    )
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Read the release" in parts(parsed)[0]


def test_embargoed_preview_says_so_in_subject_and_both_parts():
    embargoed = release(
        embargo_until=NOW + timedelta(hours=2), preview_url="https://news.example/p/x"
    )
    rendered = render_release(embargoed, sender=SENDER, list_id=LIST_ID, now=NOW)
    text, html = parts(rendered.message_for(recipient()))
    assert rendered.subject.startswith("[Embargoed] ")
    assert "EMBARGOED until 2030-01-01 11:00 UTC" in text
    assert "Embargoed until 2030-01-01 11:00 UTC" in html
    assert "https://news.example/p/x" in text
    assert 'href="https://news.example/p/x"' in html


@pytest.mark.parametrize(
    ("language", "phrase"),
    [("de-AT", "Zur Pressemitteilung"), ("fr", "Lire le communiqué"), ("es", "Leer el comunicado"),
     ("en-GB", "Read the release"), ("pt-BR", "Read the release")],
)  # fmt: skip
def test_each_language_has_its_template_and_others_fall_back_to_english(language, phrase):
    rendered = render_release(release(language=language), sender=SENDER, list_id=LIST_ID, now=NOW)
    text, html = parts(rendered.message_for(recipient()))
    assert phrase in text
    assert phrase in html
    assert f'<html lang="{template_language(language)}">' in html


@pytest.mark.parametrize(
    ("language", "unsubscribe"),
    [("en", "Unsubscribe"), ("de", "Abbestellen"), ("fr", "Se désabonner"),
     ("es", "Darse de baja")],
)  # fmt: skip
def test_the_html_footer_keeps_a_space_before_the_unsubscribe_link(language, unsubscribe):
    rendered = render_release(release(language=language), sender=SENDER, list_id=LIST_ID, now=NOW)
    _, html = parts(rendered.message_for(recipient()))
    footer = html.split("<hr>")[1]
    assert "Acme" in footer
    assert f'. <a href="https://news.example/u/tok1?a=1&amp;b=2">{unsubscribe}</a>' in footer


def test_german_embargo_subject():
    embargoed = release(language="de", embargo_until=NOW, preview_url="https://n.example/p")
    rendered = render_release(embargoed, sender=SENDER, list_id=LIST_ID, now=NOW)
    assert rendered.subject.startswith("[Sperrfrist] ")


def test_a_title_with_newlines_cannot_inject_headers():
    rendered = render_release(
        release(title="Launch\r\nBcc: victim@example.com"), sender=SENDER, list_id=LIST_ID, now=NOW
    )
    message = rendered.message_for(recipient())
    assert message["Bcc"] is None
    assert message["Subject"] == "Launch Bcc: victim@example.com"


def test_one_click_unsubscribe_must_be_https():
    rendered = render_release(release(), sender=SENDER, list_id=LIST_ID, now=NOW)
    insecure = Recipient("a@example.com", "d", "http://news.example/u", "mailto:u@acme.example")
    with pytest.raises(ValueError, match="https"):
        rendered.message_for(insecure)


def test_templates_render_once_per_release_however_many_recipients(monkeypatch):
    calls: list[str | None] = []
    original = jinja2.Template.render

    def counting(self: jinja2.Template, *args: object, **kwargs: object) -> str:
        calls.append(self.name)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", counting)
    rendered = render_release(release(), sender=SENDER, list_id=LIST_ID, now=NOW)
    messages = [rendered.message_for(recipient(n)) for n in range(500)]
    assert calls == ["release.en.txt", "release.en.html"]
    assert len({m["Message-ID"] for m in messages}) == 500
    text, _ = parts(messages[321])
    assert "tok321" in text
    assert "tok320" not in text
