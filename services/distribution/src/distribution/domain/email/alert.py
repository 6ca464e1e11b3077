"""The alert email to staff: plain text, English, what spiked and where to look.

Staff alerts are few (one per spike episode) and go to a handful of addresses, so each is
built as a whole message, without the release emails' per-recipient stamping.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

WINDOWS = {"hour": "the last hour", "day": "the last day"}
BASELINES = {"hour": "the 12 hours before", "day": "the 14 days before"}


def alert_subject(spike: Mapping[str, Any]) -> str:
    why = "negative mentions" if spike.get("trigger") == "negative_share" else "mentions"
    subject = f"Spike in {why} of “{spike['query_name']}”"
    return " ".join(subject.split())


def alert_text(spike: Mapping[str, Any]) -> str:
    window = spike.get("window") or "hour"
    lines = [
        f"Listening query “{spike['query_name']}” spiked.",
        "",
        f"{spike['count']} mentions in {WINDOWS.get(window, 'the window')} "
        f"({spike['window_start']} to {spike['window_end']}), "
        f"{spike['ratio']:.1f} times the usual ({spike['baseline']:.1f} expected from "
        f"{BASELINES.get(window, 'before')}).",
        f"Negative: {spike['negative_share']:.0%} of them"
        + (
            f" (usually {spike['baseline_negative_share']:.0%})."
            if spike.get("baseline_negative_share") is not None
            else "."
        ),
        "",
        "Mentions that drove it (ids in the listening API, GET /v1/mentions/{id}):",
        *(f"  {mention_id}" for mention_id in spike.get("sample_mention_ids", [])),
        "",
        "You receive this because your organisation named this address for alerts.",
    ]
    return "\n".join(lines) + "\n"


def alert_message(
    spike: Mapping[str, Any], *, to: str, sender: str, message_id: str, now: datetime
) -> EmailMessage:
    message = EmailMessage()
    domain = Address(addr_spec=sender).domain
    message["Message-ID"] = f"<{message_id}@{domain}>"
    message["Date"] = format_datetime(now.astimezone(UTC))
    message["From"] = sender
    message["To"] = to
    message["Subject"] = alert_subject(spike)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to this
    message.set_content(alert_text(spike))
    return message
