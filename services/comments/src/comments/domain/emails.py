"""The commenters' emails, written in the newsroom's language (English or Swedish; another
language falls back to English): a subject, a plain text and an HTML alternative.

Everything a visitor or a tenant typed (names, titles) is escaped in the HTML; links are
this service's own, built from its public base URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from comments.domain.mail import MailKind, Rendered

LANGUAGES = ("en", "sv")


@dataclass(frozen=True, slots=True)
class MailFacts:
    author_name: str
    newsroom_name: str
    release_title: str
    link: str
    valid_for_minutes: int


_PHRASES: dict[str, dict[MailKind, tuple[str, str, str, str]]] = {
    # subject, what happened, what the link does, how long it works ({minutes})
    "en": {
        MailKind.author_link: (
            "Your comment on {newsroom}",
            "Thank you for your comment on “{title}”.",
            "Edit or delete it",
            "The link works for {minutes} minutes after you posted. If you did not comment, "
            "ignore this email.",
        ),
        MailKind.verification: (
            "Confirm your comment on {newsroom}",
            "You commented on “{title}”. {newsroom} shows comments once their email address "
            "is confirmed.",
            "Confirm my comment",
            "The link works for {minutes} minutes; an unconfirmed comment is then removed. If "
            "you did not comment, ignore this email.",
        ),
    },
    "sv": {
        MailKind.author_link: (
            "Din kommentar hos {newsroom}",
            "Tack för din kommentar till ”{title}”.",
            "Ändra eller ta bort den",
            "Länken fungerar i {minutes} minuter efter att du skrev. Om det inte var du som "
            "kommenterade kan du bortse från det här mejlet.",
        ),
        MailKind.verification: (
            "Bekräfta din kommentar hos {newsroom}",
            "Du kommenterade ”{title}”. {newsroom} visar kommentarer när deras e-postadress "
            "är bekräftad.",
            "Bekräfta min kommentar",
            "Länken fungerar i {minutes} minuter; en obekräftad kommentar tas sedan bort. Om "
            "det inte var du som kommenterade kan du bortse från det här mejlet.",
        ),
    },
}
_GREETING = {"en": "Hello {name},", "sv": "Hej {name}!"}


def language_of(tag: str | None) -> str:
    """``sv`` for ``sv-SE``; English for anything without its own phrases."""
    primary = (tag or "").replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in LANGUAGES else "en"


def render(kind: MailKind, language: str, facts: MailFacts) -> Rendered:
    """The mail of ``kind`` in ``language`` (see :func:`language_of`)."""
    language = language_of(language)
    subject, happened, action, validity = _PHRASES[language][kind]
    values = {
        "newsroom": facts.newsroom_name,
        "title": facts.release_title,
        "minutes": str(facts.valid_for_minutes),
    }
    greeting = _GREETING[language].format(name=facts.author_name)
    lines = (happened.format(**values), validity.format(**values))
    text = f"{greeting}\n\n{lines[0]}\n\n{action}:\n{facts.link}\n\n{lines[1]}\n"
    safe = {key: escape(value) for key, value in values.items()}
    html = (
        f'<!doctype html><html lang="{language}"><body>'
        f"<p>{escape(greeting)}</p>"
        f"<p>{happened.format(**safe)}</p>"
        f'<p><a href="{escape(facts.link, quote=True)}">{escape(action)}</a></p>'
        f"<p>{validity.format(**safe)}</p>"
        "</body></html>"
    )
    one_line = " ".join(subject.format(**values).split())  # a header: no line breaks
    return Rendered(subject=one_line, text=text, html=html)
