"""The double opt-in email: "confirm your subscription", multipart, in the subscriber's language.

Templates ``confirm.<language>.txt`` / ``.html`` sit beside the release templates; a language
without its own falls back to English. It has no unsubscribe link: nothing is subscribed yet,
and ignoring it is how one declines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from distribution.domain.email.rendering import Sender, _environment, template_language

SUBJECT = {
    "en": "Please confirm your subscription to {newsroom}",
    "de": "Bitte bestätigen Sie Ihr Abonnement von {newsroom}",
    "fr": "Veuillez confirmer votre abonnement à {newsroom}",
    "es": "Confirme su suscripción a {newsroom}",
}


@dataclass(frozen=True, slots=True)
class ConfirmationRequest:
    message_id: str  # stable per confirmation record: a resend after a crash is the same message
    to: str
    newsroom_name: str
    confirm_url: str
    language: str | None
    valid_hours: int


def confirmation_message(
    request: ConfirmationRequest, *, sender: Sender, now: datetime
) -> EmailMessage:
    language = template_language(request.language or "en")
    context = {"request": request, "confirm_url": request.confirm_url}
    text = _environment.get_template(f"confirm.{language}.txt").render(context)
    html = _environment.get_template(f"confirm.{language}.html").render(context)
    message = EmailMessage()
    domain = Address(addr_spec=sender.address).domain
    message["Message-ID"] = f"<{request.message_id}@{domain}>"
    message["Date"] = format_datetime(now.astimezone(UTC))
    message["From"] = formataddr((sender.name, sender.address))
    message["To"] = request.to
    if sender.reply_to:
        message["Reply-To"] = sender.reply_to
    subject = SUBJECT[language].format(newsroom=request.newsroom_name)
    message["Subject"] = " ".join(subject.split())
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to this
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message
