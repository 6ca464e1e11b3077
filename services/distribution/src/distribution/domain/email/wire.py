"""A rendered release in wire form, stamped per recipient with byte replacements.

Building an ``EmailMessage`` per recipient and flattening it (header parsing and folding)
costs more CPU than sending it: measured in benchmark P2, message building and flattening were
the largest part of the worker's time. What differs between two recipients' messages is four
ASCII strings (To, Message-ID, the unsubscribe URLs in a header and in both bodies), so the
message is built and flattened once with placeholders, and each recipient's bytes are the
template with the placeholders replaced.

That is only exact when every placeholder comes out of flattening intact and unencoded: the
bodies 7bit or 8bit (not quoted-printable or base64, which would encode or wrap a placeholder),
each placeholder found exactly where expected, and each value plain ASCII with no line breaks.
Otherwise :func:`wire_template` answers None and callers build the message the slow way; the
tests compare both ways byte for byte after parsing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage

from distribution.domain.email.message import Recipient, RenderedRelease

_TO = "newsroom-recipient@to.invalid"
_MESSAGE_ID = "newsroom-message-id"
_HEADER_URL = "https://newsroom.invalid/unsubscribe-url"
_MAILTO = "mailto:newsroom-unsubscribe-mailto"
_BODY_URL = "https://newsroom.invalid/body-unsubscribe-url"
# A value that can go into the template as is: printable ASCII, no spaces (so no folding).
_SAFE = re.compile(r"^[\x21-\x7e]+$")
# At most this long: a longer header line would pass the 998-octet limit of RFC 5322.
_MAX_VALUE = 400
# Body lines at most this long before stamping, so that with a value stamped in they stay
# under the 998-octet limit of unencoded (7bit/8bit) bodies.
_MAX_BODY_LINE = 998 - _MAX_VALUE


@dataclass(frozen=True, slots=True)
class PreparedMessage:
    """One recipient's message as it goes on the wire after DATA."""

    sender: str  # the envelope sender (the From address)
    recipient: str
    data: bytes
    message_id: str  # as in the header, with its angle brackets
    eight_bit: bool  # has non-ASCII bytes: needs a server with 8BITMIME
    # The same message built the slow way, for a server without 8BITMIME.
    slow: Callable[[], EmailMessage] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class WireTemplate:
    sender: str
    parts: tuple[bytes, ...]  # the template split around its placeholders
    slots: tuple[str, ...]  # which value goes between parts[i] and parts[i + 1]
    eight_bit: bool
    message_id_domain: str

    def stamp(
        self, recipient: Recipient, slow: Callable[[], EmailMessage]
    ) -> PreparedMessage | None:
        """The recipient's message, or None when a value cannot go in as is."""
        if html.escape(recipient.unsubscribe_url) != recipient.unsubscribe_url:
            return None  # the HTML part would need it escaped
        values = {
            "to": recipient.address,
            "message_id": f"{recipient.delivery_id}@{self.message_id_domain}",
            "header_url": recipient.unsubscribe_url,
            "mailto": recipient.unsubscribe_mailto,
            "body_url": recipient.unsubscribe_url,
        }
        if not all(len(v) <= _MAX_VALUE and _SAFE.fullmatch(v) for v in values.values()):
            return None
        chunks = [self.parts[0]]
        for slot, part in zip(self.slots, self.parts[1:], strict=True):
            chunks.append(values[slot].encode("ascii"))
            chunks.append(part)
        data = b"".join(chunks)
        message_id = f"<{values['message_id']}>"
        return PreparedMessage(
            self.sender, recipient.address, data, message_id, self.eight_bit, slow
        )


_PLACEHOLDERS = {
    _TO.encode(): "to",
    _MESSAGE_ID.encode(): "message_id",
    _HEADER_URL.encode(): "header_url",
    _MAILTO.encode(): "mailto",
    _BODY_URL.encode(): "body_url",
}
# How often each placeholder must appear: To, Message-ID and the mailto once (headers), the
# header URL once, the body URL at least once per body (more if a template repeats the link).
_EXACTLY_ONCE = ("to", "message_id", "header_url", "mailto")


def wire_template(rendered: RenderedRelease) -> WireTemplate | None:
    """The release's message with placeholders, flattened once; None if it cannot be stamped."""
    placeholder = Recipient(
        address=_TO,
        delivery_id="__MID__",
        unsubscribe_url=_HEADER_URL,
        unsubscribe_mailto=_MAILTO,
    )
    bodies = rendered.text + rendered.html
    if max(map(len, bodies.splitlines()), default=0) > _MAX_BODY_LINE:
        return None  # only an encoding (quoted-printable) can carry such lines
    # Unencoded bodies, whatever their line lengths up to the limit (the email package would
    # pick quoted-printable past 78, which wraps and encodes the placeholders).
    cte = "7bit" if bodies.isascii() else "8bit"
    message = rendered.message_for(placeholder, body_url=_BODY_URL, cte=cte)
    if not _bodies_unencoded(message):
        return None
    data = message.as_bytes(policy=message.policy.clone(cte_type="8bit", linesep="\r\n"))
    data = data.replace(f"__MID__@{rendered.sender_domain}".encode(), _MESSAGE_ID.encode())
    pattern = re.compile(b"|".join(re.escape(p) for p in _PLACEHOLDERS))
    parts: list[bytes] = []
    slots: list[str] = []
    position = 0
    for found in pattern.finditer(data):
        parts.append(data[position : found.start()])
        slots.append(_PLACEHOLDERS[found.group()])
        position = found.end()
    parts.append(data[position:])
    if sorted(s for s in slots if s in _EXACTLY_ONCE) != sorted(_EXACTLY_ONCE):
        return None  # a header was folded or encoded through its placeholder
    if slots.count("body_url") < 2:
        return None  # the text and the HTML part each carry the link
    return WireTemplate(
        sender=rendered.sender,
        parts=tuple(parts),
        slots=tuple(slots),
        eight_bit=not data.isascii(),
        message_id_domain=rendered.sender_domain,
    )


def _bodies_unencoded(message: EmailMessage) -> bool:
    for part in message.walk():
        if part.is_multipart():
            continue
        if part.get("Content-Transfer-Encoding", "7bit").lower() not in ("7bit", "8bit"):
            return False
    return True


@dataclass(frozen=True, slots=True)
class ReleaseMail:
    """A rendered release and, when it allows one, its wire template."""

    rendered: RenderedRelease
    wire: WireTemplate | None

    @classmethod
    def of(cls, rendered: RenderedRelease) -> ReleaseMail:
        return cls(rendered, wire_template(rendered))

    def for_recipient(self, recipient: Recipient) -> PreparedMessage | EmailMessage:
        """The recipient's message: stamped from the template, else built the slow way."""

        def slow() -> EmailMessage:
            return self.rendered.message_for(recipient)

        prepared = self.wire.stamp(recipient, slow) if self.wire is not None else None
        return prepared if prepared is not None else slow()
