"""A rendered release email and the per-recipient message built from it.

At 10,000 recipients rendering dominates, so :class:`RenderedRelease` holds the rendered parts and
:meth:`RenderedRelease.message_for` only fills in what differs per recipient: To, the unsubscribe
URLs (body and headers) and the Message-ID.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr

# Rendered into the bodies where the unsubscribe link goes; replaced per recipient. Plain ASCII
# letters and underscores: autoescaping leaves it alone, and no release text looks like it.
UNSUBSCRIBE_PLACEHOLDER = "__NEWSROOM_UNSUBSCRIBE_URL__"


@dataclass(frozen=True, slots=True)
class Recipient:
    address: str
    # The delivery's id: the Message-ID stays the same on a retry, so receivers can deduplicate.
    delivery_id: str
    # RFC 8058 one-click: an https URL that unsubscribes on POST, without a login.
    unsubscribe_url: str
    unsubscribe_mailto: str


@dataclass(frozen=True, slots=True)
class RenderedRelease:
    release_id: str
    language: str
    subject: str
    text: str
    html: str
    sender: str
    sender_name: str
    reply_to: str | None
    list_id: str
    date: str

    def message_for(
        self, recipient: Recipient, *, body_url: str | None = None, cte: str | None = None
    ) -> EmailMessage:
        """One recipient's multipart/alternative message (text first, HTML preferred).

        ``body_url`` (default: the recipient's unsubscribe URL) is the link in the bodies and
        ``cte`` the bodies' transfer encoding (default: the email package picks); only the wire
        template (wire.py) sets them, to find the link again after flattening."""
        if not recipient.unsubscribe_url.startswith("https://"):
            raise ValueError("the one-click unsubscribe URL must be https (RFC 8058)")
        message = EmailMessage()
        message["Message-ID"] = f"<{recipient.delivery_id}@{self.sender_domain}>"
        message["Date"] = self.date
        message["From"] = formataddr((self.sender_name, self.sender))
        message["To"] = recipient.address
        if self.reply_to:
            message["Reply-To"] = self.reply_to
        message["Subject"] = self.subject
        message["List-Id"] = self.list_id
        message["List-Unsubscribe"] = (
            f"<{recipient.unsubscribe_url}>, <{recipient.unsubscribe_mailto}>"
        )
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        url = recipient.unsubscribe_url if body_url is None else body_url
        message.set_content(self.text.replace(UNSUBSCRIBE_PLACEHOLDER, url), cte=cte)
        message.add_alternative(
            self.html.replace(UNSUBSCRIBE_PLACEHOLDER, html.escape(url)), subtype="html", cte=cte
        )
        return message

    @property
    def sender_domain(self) -> str:
        return Address(addr_spec=self.sender).domain
