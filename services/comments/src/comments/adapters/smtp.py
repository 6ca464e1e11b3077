"""Sending one mail over SMTP with aiosmtplib: a connection per pass of the mail loop would
save little here (a commenter's mail now and then, not a newsletter), so each mail opens its
own. The server's answer decides: 5xx is permanent, anything else (4xx, a lost or refused
connection, a timeout) is worth trying again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from comments.domain.mail import Mail, SendError


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    sender: str
    """The From address (and the envelope's)."""
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    start_tls: bool | None = None
    """None: upgrade when the server offers STARTTLS."""
    timeout_s: float = 30.0


def message_of(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.recipient
    message["Subject"] = mail.content.subject
    message["Date"] = formatdate(localtime=False)
    # The mail's own id: a mail sent twice (a sender that died after the server took it) has
    # the same Message-ID both times, which mail clients recognise.
    domain = sender.rpartition("@")[2].strip("<> ") or "comments.invalid"
    message["Message-ID"] = f"<{mail.id}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.content.text)
    message.add_alternative(mail.content.html, subtype="html")
    return message


class SmtpMailSender:
    def __init__(self, config: SmtpConfig) -> None:
        self._config = config

    async def send(self, mail: Mail) -> None:
        config = self._config
        try:
            await aiosmtplib.send(
                message_of(mail, config.sender),
                hostname=config.host,
                port=config.port,
                username=config.username,
                password=config.password,
                start_tls=config.start_tls,
                timeout=config.timeout_s,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:  # our one recipient, refused
            codes = [refused.code for refused in error.recipients]
            raise SendError(str(error), permanent=all(c >= 500 for c in codes)) from error
        except aiosmtplib.SMTPResponseException as error:
            raise SendError(f"{error.code} {error.message}", permanent=error.code >= 500) from error
        except (aiosmtplib.SMTPException, OSError) as error:
            raise SendError(str(error) or type(error).__name__, permanent=False) from error
