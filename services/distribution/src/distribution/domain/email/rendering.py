"""Rendering a release's email from Jinja2 templates, once per (release, language).

Templates live beside this module as ``release.<language>.txt`` / ``.html``; a language without
its own falls back to English. HTML is autoescaped; the text part is not (``&amp;`` in plain text
would be wrong). Per-recipient parts never reach Jinja: the body carries a placeholder for the
unsubscribe URL that :class:`~distribution.domain.email.message.RenderedRelease` fills in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from distribution.domain.email.message import UNSUBSCRIBE_PLACEHOLDER, RenderedRelease

LANGUAGES = ("en", "de", "fr", "es")
FALLBACK_LANGUAGE = "en"
# Subject prefix of the preview sent under embargo, so it stands out in an inbox.
EMBARGO_TAG = {"en": "Embargoed", "de": "Sperrfrist", "fr": "Sous embargo", "es": "Embargo"}

_environment = Environment(
    loader=PackageLoader("distribution.domain.email", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
    undefined=StrictUndefined,  # a typo in a template fails the test, not a subscriber's email
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


@dataclass(frozen=True, slots=True)
class ReleaseEmail:
    """What the email says about the release (from the release event and the media service)."""

    release_id: str
    newsroom_name: str
    title: str
    lead: str
    url: str
    language: str
    image_url: str | None = None
    image_alt: str = ""  # the image's own alt text; the title stands in when it has none
    embargo_until: datetime | None = None  # set for the preview sent before the lift
    preview_url: str | None = None


@dataclass(frozen=True, slots=True)
class Sender:
    address: str
    name: str = ""
    reply_to: str | None = None


def template_language(language: str) -> str:
    """The templates' language for a release language: its primary subtag, else English."""
    primary = language.lower().split("-", 1)[0]
    return primary if primary in LANGUAGES else FALLBACK_LANGUAGE


def _one_line(text: str) -> str:
    # A subject is one header line: newlines would be refused by the email package anyway.
    return " ".join(text.split())


def render_release(
    release: ReleaseEmail, *, sender: Sender, list_id: str, now: datetime
) -> RenderedRelease:
    """The release's email in its language, ready to be stamped for each recipient.

    ``list_id`` is the RFC 2919 List-Id, e.g. ``Acme News <news.acme.lists.example.com>``.
    """
    language = template_language(release.language)
    embargo = release.embargo_until.astimezone(UTC) if release.embargo_until else None
    context = {
        "release": release,
        "embargo": embargo.strftime("%Y-%m-%d %H:%M UTC") if embargo else None,
        "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
    }
    text = _environment.get_template(f"release.{language}.txt").render(context)
    html = _environment.get_template(f"release.{language}.html").render(context)
    subject = _one_line(release.title)
    if embargo is not None:
        subject = f"[{EMBARGO_TAG[language]}] {subject}"
    return RenderedRelease(
        release_id=release.release_id,
        language=language,
        subject=subject,
        text=text,
        html=html,
        sender=sender.address,
        sender_name=sender.name,
        reply_to=sender.reply_to,
        list_id=list_id,
        date=format_datetime(now.astimezone(UTC)),
    )
