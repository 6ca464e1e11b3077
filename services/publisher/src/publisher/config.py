"""Publisher settings: environment variables ``PUBLISHER_*`` (connections also unprefixed)."""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network
from typing import ClassVar, Literal

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from newsroom_shared.config import ServiceSettings


class PublisherSettings(ServiceSettings):
    model_config = SettingsConfigDict(extra="ignore", env_prefix="PUBLISHER_")
    service_name: ClassVar[str] = "publisher"

    public_base_url: str = Field(
        default="http://127.0.0.1:8001",
        description="Base of the public API's URLs: preview links (no trailing slash)",
    )
    public_web_origin: str = Field(
        default="http://127.0.0.1:8001",
        description="Origin of the public web pages (scheme://host[:port]): a release's URL in "
        "events, emails and posts is <origin>/<newsroom slug>/releases/<release id>",
    )
    platform_token: SecretStr | None = Field(
        default=None, description="Operator token for POST /v1/tenants; unset disables it"
    )
    signing_secret: SecretStr | None = Field(
        default=None,
        description="Signs preview links; unset: a random secret per process (dev only: links "
        "then work on this process only and die with it)",
    )
    media_url_signing_keys: SecretStr | None = Field(
        default=None,
        description="The media service's signed-link keys (the value of MEDIA_URL_SIGNING_KEYS, "
        "comma-separated, newest first; the newest signs): embargo preview pages show the "
        "release's pictures through links signed with it, valid until the lift; unset: preview "
        "pages show no pictures",
    )
    api_key_cache_ttl_s: float = Field(
        default=30.0,
        description="How long a verified key is trusted without re-checking the database; "
        "other replicas honour a revocation within this time",
    )
    api_key_cache_size: int = 10_000
    scheduler_enabled: bool = Field(default=True, description="Run the due-work scheduler here")
    scheduler_interval_s: float = Field(default=1.0, description="How often due work is looked for")
    scheduler_batch_size: int = 100
    public_rate_per_minute: int = Field(default=120, description="Public endpoints, per client")
    public_rate_burst: int = 30
    distribution_public_path: str = Field(
        default="/api/distribution",
        description="Where readers' browsers reach distribution's public API on this site's "
        "origin (the one origin's route): the subscribe form posts there",
    )
    comments_public_path: str = Field(
        default="",
        description="Where readers' browsers reach the comments service on this site's origin "
        "(the one origin's route, e.g. /api/comments): release pages embed its widget from "
        "there; empty: the pages show no comments",
    )
    media_public_path: str = Field(
        default="",
        description="Where readers' browsers reach the media service's public API on this site's "
        "origin (e.g. /api/media): release pages with pictures link its press kit (a ZIP of "
        "them with their credits and terms) from there; empty: no press-kit link",
    )
    page_shared_max_age_s: int = Field(
        default=60,
        ge=0,
        description="How long a shared cache (the proxy, a CDN) may serve a public page without "
        "asking again; browsers always revalidate (ETag, Last-Modified)",
    )
    page_cache_max_bytes: int = Field(
        default=32 * 1024 * 1024,
        ge=0,
        description="Memory for rendered public pages in each replica (0: no page cache); "
        "a page is kept until a change to its newsroom's pages",
    )
    page_cache_max_age_s: float = Field(
        default=300.0,
        gt=0,
        description="Longest a rendered page is kept even without a change (a safety bound)",
    )
    page_cache_poll_interval_s: float = Field(
        default=1.0,
        gt=0,
        description="How often each replica reads which tenants' pages changed (page_versions): "
        "how long another replica's change may take to show here",
    )
    page_cache_overlap_s: float = Field(
        default=90.0,
        ge=0,
        description="How far back each poll looks before the previous one: longer than a "
        "transaction may stay open (60 s on MongoDB) plus clock skew to the database",
    )
    custom_domain_scheme: Literal["https", "http"] = Field(
        default="https",
        description="Scheme of a newsroom's own domain in its URLs (canonical links, feeds, "
        "events, redirects): TLS for those domains ends at the proxy or in front of it",
    )
    site_map_ttl_s: float = Field(
        default=30.0,
        gt=0,
        description="How long a replica serves newsrooms' domains from its in-memory map before "
        "reading it again: a domain changed on another replica applies here within this time",
    )
    forwarded_host_proxies: list[IPv4Network | IPv6Network] = Field(
        default_factory=list,
        description="Peers (addresses or networks, JSON list) whose X-Forwarded-Host names the "
        "request's host; from anyone else only Host counts. Empty: Host only (Caddy passes the "
        "reader's Host through unchanged)",
    )
