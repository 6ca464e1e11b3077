"""Where a tenant's releases go: one validated config per kind of channel.

Credentials are ``SecretStr``: they print and dump as ``**********``, and
:meth:`Channel.public_view` leaves them out entirely, so no API response or log line carries one.
Adapters read them with ``get_secret_value()`` at the moment they call the far side.

URLs a tenant types in (a Mastodon instance, a webhook endpoint) are checked here against SSRF
(``newsroom_shared.outbound_urls``): https only, no credentials in the URL, and no
loopback/private/link-local address written as an IP literal. A hostname can still resolve to such
an address; the HTTP adapter checks again after DNS resolution, at every request.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationInfo, field_validator

from newsroom_shared.events.distribution import ChannelKind
from newsroom_shared.outbound_urls import check_outbound_url

# What a webhook may subscribe to: our release events, named as in their CloudEvents type.
WEBHOOK_EVENT_TYPES = (
    "release.published",
    "release.embargoed",
    "release.updated",
    "release.withdrawn",
)
# Standard Webhooks: "whsec_" + base64 of 24 to 64 random bytes.
WEBHOOK_SECRET_BYTES = (24, 64)
_HANDLE = re.compile(r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_LINKEDIN_ORGANISATION = re.compile(r"^urn:li:organization:[0-9]+$")


def _check_url(value: str, info: ValidationInfo) -> str:
    allow = bool(info.data.get("allow_insecure_url", False))
    return check_outbound_url(value, allow_insecure=allow)


def _required_secret(value: SecretStr, what: str) -> SecretStr:
    if not value.get_secret_value().strip():
        raise ValueError(f"{what} is required")
    return value


class ChannelConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    # Only for tests and local development: http and private addresses become acceptable.
    allow_insecure_url: bool = False


class MastodonConfig(ChannelConfig):
    kind: Literal["mastodon"] = "mastodon"
    instance_url: str = Field(description="Base URL of the instance, e.g. https://mastodon.social")
    access_token: SecretStr
    visibility: Literal["public", "unlisted", "private", "direct"] = "public"

    _url = field_validator("instance_url")(_check_url)

    @field_validator("access_token")
    @classmethod
    def _token(cls, value: SecretStr) -> SecretStr:
        return _required_secret(value, "an access token")

    @property
    def recipient(self) -> str:
        return self.instance_url.rstrip("/")


class BlueskyConfig(ChannelConfig):
    kind: Literal["bluesky"] = "bluesky"
    service_url: str = "https://bsky.social"
    handle: str = Field(description="The account's handle, e.g. acme.bsky.social")
    app_password: SecretStr = Field(description="An app password, never the account password")

    _url = field_validator("service_url")(_check_url)

    @field_validator("handle")
    @classmethod
    def _handle(cls, value: str) -> str:
        handle = value.removeprefix("@").lower()
        if not _HANDLE.fullmatch(handle):
            raise ValueError(f"{value!r} is not a handle such as 'acme.bsky.social'")
        return handle

    @field_validator("app_password")
    @classmethod
    def _password(cls, value: SecretStr) -> SecretStr:
        return _required_secret(value, "an app password")

    @property
    def recipient(self) -> str:
        return self.handle


class XConfig(ChannelConfig):
    kind: Literal["x"] = "x"
    account: str = Field(description="The account's @handle, for people and delivery records")
    # Posting needs user context: an OAuth 2.0 user access token (scopes tweet.write, users.read).
    access_token: SecretStr
    refresh_token: SecretStr | None = None

    @field_validator("account")
    @classmethod
    def _account(cls, value: str) -> str:
        handle = value.removeprefix("@")
        if not re.fullmatch(r"[A-Za-z0-9_]{1,15}", handle):
            raise ValueError(f"{value!r} is not an X handle (1-15 letters, digits, _)")
        return handle

    @field_validator("access_token")
    @classmethod
    def _token(cls, value: SecretStr) -> SecretStr:
        return _required_secret(value, "an OAuth 2.0 user access token")

    @property
    def recipient(self) -> str:
        return self.account


class LinkedInConfig(ChannelConfig):
    kind: Literal["linkedin"] = "linkedin"
    organization_urn: str = Field(description="The page posting, e.g. urn:li:organization:123")
    access_token: SecretStr

    @field_validator("organization_urn")
    @classmethod
    def _urn(cls, value: str) -> str:
        if not _LINKEDIN_ORGANISATION.fullmatch(value):
            raise ValueError(f"{value!r} is not an organisation URN like urn:li:organization:123")
        return value

    @field_validator("access_token")
    @classmethod
    def _token(cls, value: SecretStr) -> SecretStr:
        return _required_secret(value, "an access token")

    @property
    def recipient(self) -> str:
        return self.organization_urn


class FacebookConfig(ChannelConfig):
    kind: Literal["facebook"] = "facebook"
    page_id: str
    page_access_token: SecretStr

    @field_validator("page_id")
    @classmethod
    def _page(cls, value: str) -> str:
        if not value.isdigit():
            raise ValueError(f"{value!r} is not a page id (digits only)")
        return value

    @field_validator("page_access_token")
    @classmethod
    def _token(cls, value: SecretStr) -> SecretStr:
        return _required_secret(value, "a page access token")

    @property
    def recipient(self) -> str:
        return self.page_id


class WebhookConfig(ChannelConfig):
    kind: Literal["webhook"] = "webhook"
    url: str
    secret: SecretStr = Field(description="Standard Webhooks secret: whsec_ + base64")
    event_types: tuple[str, ...] = WEBHOOK_EVENT_TYPES

    _url = field_validator("url")(_check_url)

    @field_validator("secret")
    @classmethod
    def _secret(cls, value: SecretStr) -> SecretStr:
        raw = value.get_secret_value()
        if not raw.startswith("whsec_"):
            raise ValueError("must start with 'whsec_' (Standard Webhooks)")
        try:
            key = base64.b64decode(raw.removeprefix("whsec_"), validate=True)
        except binascii.Error:
            raise ValueError("after 'whsec_' must come base64") from None
        low, high = WEBHOOK_SECRET_BYTES
        if not low <= len(key) <= high:
            raise ValueError(f"must hold {low} to {high} bytes of key (got {len(key)})")
        return value

    @field_validator("event_types")
    @classmethod
    def _events(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - set(WEBHOOK_EVENT_TYPES))
        if unknown:
            raise ValueError(f"unknown event types {unknown}; known: {list(WEBHOOK_EVENT_TYPES)}")
        if not value:
            raise ValueError("choose at least one event type")
        return tuple(dict.fromkeys(value))

    @property
    def recipient(self) -> str:
        """The endpoint's origin: identifies it without its path or query (may hold tokens)."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"


class EmailConfig(ChannelConfig):
    kind: Literal["email"] = "email"
    sender: str = Field(description="From address, on a domain the tenant has authenticated")
    sender_name: str = ""
    reply_to: str | None = None

    @field_validator("sender", "reply_to")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        if value is None:
            return None
        # Imported here: subscribers holds the one address rule; avoid a module cycle.
        from distribution.domain.subscribers import InvalidSubscriberError, normalise_email

        try:
            return normalise_email(value)
        except InvalidSubscriberError as error:
            raise ValueError(str(error).removeprefix("email: ")) from None

    @field_validator("sender_name")
    @classmethod
    def _name(cls, value: str) -> str:
        if "\r" in value or "\n" in value:
            raise ValueError("must be one line")
        return value

    @property
    def recipient(self) -> str:
        return self.sender


AnyChannelConfig = Annotated[
    MastodonConfig
    | BlueskyConfig
    | XConfig
    | LinkedInConfig
    | FacebookConfig
    | WebhookConfig
    | EmailConfig,
    Field(discriminator="kind"),
]


class Channel(BaseModel):
    """A configured channel of a tenant: one account, one hook, or one mailing list."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: str
    tenant_id: str
    name: str = Field(min_length=1, max_length=100)
    newsroom_id: str | None = Field(default=None, description="None: every newsroom")
    enabled: bool = True
    config: AnyChannelConfig

    @property
    def kind(self) -> ChannelKind:
        return self.config.kind

    @property
    def recipient(self) -> str:
        """Who receives this channel's posts (email channels fan out to subscribers instead)."""
        return self.config.recipient

    def public_view(self) -> dict[str, Any]:
        """The channel as API clients and logs may see it: every credential left out."""
        secrets = _secret_fields(type(self.config))
        view = self.model_dump(mode="json", exclude={"config": secrets})
        # Which credentials are set, so a console can say "token: set" without showing it.
        view["config"]["credentials_set"] = sorted(
            name for name in secrets if getattr(self.config, name) is not None
        )
        return view


def _secret_fields(config_type: type[ChannelConfig]) -> set[str]:
    return {
        name
        for name, field in config_type.model_fields.items()
        if "SecretStr" in str(field.annotation)
    }


def new_webhook_secret() -> str:
    """A fresh Standard Webhooks secret: ``whsec_`` + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
