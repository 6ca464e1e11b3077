"""Each channel kind's settings (not secret) and credentials (stored encrypted, never returned).

The request schema of a channel states what its kind's config in ``domain/channels.py`` checks,
so a schema-valid channel is accepted. One rule is left to words: outbound URLs must point at a
public address (an SSRF guard over address ranges, and the service may allow plain http and
private addresses for local development), which ``OutboundUrl`` states only in its description.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import Field

from distribution.entrypoints.http.schemas.common import Email, Model
from newsroom_shared.patterns import NOT_BLANK_PATTERN

_HOST_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_PORT = r"(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})"
URL_PATTERN = (
    rf"^[Hh][Tt][Tt][Pp][Ss]?://{_HOST_LABEL}(\.{_HOST_LABEL})*(:{_PORT})?"
    r"([/?#][!-~]*)?$"
)
OutboundUrl = Annotated[
    str,
    Field(
        max_length=2000,
        pattern=URL_PATTERN,
        description="A public https URL: no user name or password; not localhost, a host "
        "written as a number, or a loopback, private, link-local or reserved IP address",
        examples=["https://mastodon.social"],
    ),
]
Secret = Annotated[str, Field(min_length=1, max_length=4096, pattern=NOT_BLANK_PATTERN)]


class NoCredentials(Model):
    """Kinds without credentials take an empty object (or none)."""


class MastodonSettings(Model):
    instance_url: OutboundUrl
    visibility: Literal["public", "unlisted", "private", "direct"] = "public"


class MastodonCredentials(Model):
    access_token: Secret


class BlueskySettings(Model):
    service_url: OutboundUrl = "https://bsky.social"
    handle: str = Field(
        max_length=300,
        pattern=r"^@?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$",
        examples=["acme.bsky.social"],
    )


class BlueskyCredentials(Model):
    app_password: Secret = Field(description="An app password, never the account password")


class XSettings(Model):
    account: str = Field(pattern=r"^@?[A-Za-z0-9_]{1,15}$", examples=["@acme"])


class XCredentials(Model):
    access_token: Secret = Field(description="OAuth 2.0 user token (tweet.write, users.read)")
    refresh_token: Secret | None = None


class LinkedInSettings(Model):
    organization_urn: str = Field(
        max_length=100,
        pattern=r"^urn:li:organization:[0-9]+$",
        examples=["urn:li:organization:123"],
    )


class LinkedInCredentials(Model):
    access_token: Secret


class FacebookSettings(Model):
    page_id: str = Field(max_length=64, pattern=r"^[0-9]+$")


class FacebookCredentials(Model):
    page_access_token: Secret


# The same names as domain.channels.WEBHOOK_EVENT_TYPES (a unit test keeps them equal).
WebhookEventType = Literal[
    "release.published", "release.embargoed", "release.updated", "release.withdrawn"
]


class WebhookSettings(Model):
    url: OutboundUrl
    event_types: list[WebhookEventType] = Field(
        default_factory=lambda: list(get_args(WebhookEventType)),
        min_length=1,
        max_length=20,
        description="Default: every event type",
    )


class EmailSettings(Model):
    sender: Email = Field(description="From address, on a domain the tenant has authenticated")
    sender_name: str = Field(default="", max_length=200, pattern=r"^[^\r\n]*$")
    reply_to: Email | None = None
