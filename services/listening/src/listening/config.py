"""Listening settings: environment variables ``LISTENING_*`` (connections also unprefixed)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from newsroom_shared.config import ServiceSettings


class ListeningSettings(ServiceSettings):
    model_config = SettingsConfigDict(extra="ignore", env_prefix="LISTENING_")
    service_name: ClassVar[str] = "listening"

    public_base_url: str = Field(
        default="http://127.0.0.1:8005",
        description="Base of this API's public URLs (a webhook source's inbound URL), no "
        "trailing slash",
    )
    queries_poll_interval_s: float = Field(
        default=2.0,
        gt=0,
        description="How often each replica checks whether any tenant's queries changed (one "
        "read of a version counter); a change made through this replica applies at once",
    )
    max_queries_per_tenant: int = Field(default=1000, ge=1, description="Queries a tenant may keep")
    webhook_secret_keys: SecretStr | None = Field(
        default=None,
        description="Keys inbound webhook secrets are derived from, comma-separated, newest "
        "first; unset: a random key per process (dev only: secrets then die with it)",
    )
    inbound_rate_per_minute: int = Field(
        default=600,
        ge=1,
        description="Inbound webhooks: deliveries per minute per source and replica (a relay "
        "such as Zapier sends for many sources from the same addresses, so the limit is per "
        "source, not per client address)",
    )
    inbound_rate_burst: int = Field(
        default=100, ge=1, description="Inbound webhooks: deliveries at once per source"
    )
    near_copy_window_days: int = Field(
        default=7, ge=1, description="How far back a near copy of a mention's text is looked for"
    )

    # Feed sources (RSS and Atom): see the README's "Feeds".
    max_feeds_per_tenant: int = Field(default=100, ge=1, description="Feeds a tenant may poll")
    feed_polling_enabled: bool = Field(
        default=True,
        description="Whether this replica polls feeds (every replica may: claims keep one feed "
        "to one replica at a time)",
    )
    feed_poll_interval_s: float = Field(
        default=900.0, gt=0, description="How often a healthy feed is fetched (+/- 10 %)"
    )
    feed_retry_base_s: float = Field(
        default=60.0, gt=0, description="The wait after a feed's first failure; doubles after each"
    )
    feed_backoff_cap_s: float = Field(
        default=6 * 3600.0, gt=0, description="The longest wait after failures, Retry-After too"
    )
    feed_disable_after_not_found: int = Field(
        default=3, ge=1, description="Consecutive 404s that disable a feed (a 410 disables it)"
    )
    feed_seen_ids: int = Field(
        default=1000, ge=10, description="Entry ids remembered per feed (the newest)"
    )
    feed_connect_timeout_s: float = Field(default=5.0, gt=0, description="Connecting to a feed")
    feed_read_timeout_s: float = Field(
        default=10.0, gt=0, description="Longest silence while reading a feed"
    )
    feed_fetch_deadline_s: float = Field(
        default=30.0,
        gt=0,
        description="A whole fetch, redirects included: a server trickling bytes is cut off",
    )
    feed_max_bytes: int = Field(
        default=5_000_000, ge=1024, description="A feed body larger than this is refused"
    )
    feed_claim_batch: int = Field(
        default=10, ge=1, description="Feeds a replica claims, and fetches at once, per pass"
    )
    feed_claim_lease_s: float = Field(
        default=120.0,
        gt=0,
        description="How long a claimed feed stays with its replica; longer than the fetch "
        "deadline, so a live poll never loses its feed",
    )
    feed_poller_idle_s: float = Field(
        default=5.0, gt=0, description="How often an idle poller looks for due feeds"
    )
    spike_sweep_enabled: bool = Field(
        default=True,
        description="Take part in the sweep that closes calmed spike episodes (one replica at "
        "a time runs it, under a lease)",
    )
    spike_sweep_interval_s: float = Field(
        default=60.0,
        gt=0,
        description="Between two sweeps; an episode closes at most this long after it calmed. "
        "The lease lasts three intervals",
    )

    @model_validator(mode="after")
    def _lease_outlives_a_fetch(self) -> ListeningSettings:
        if self.feed_claim_lease_s <= self.feed_fetch_deadline_s:
            raise ValueError("feed_claim_lease_s must be longer than feed_fetch_deadline_s")
        return self

    # Tests and local development only: sources may name http and loopback URLs.
    allow_insecure_urls: bool = Field(
        default=False,
        description="Let sources (feeds, Mastodon instances) name http and internal (loopback, "
        "private) URLs: tests and local development only (the SSRF guard refuses them "
        "otherwise)",
    )
    mastodon_followers_enabled: bool = Field(
        default=True,
        description="Follow Mastodon sources in this replica (one connection per source across "
        "all replicas that do, shared out by leases)",
    )
    mastodon_lease_ttl_s: float = Field(
        default=30.0,
        gt=0,
        description="A Mastodon source's lease: a replica that stops renewing loses its sources "
        "this long after; each replica looks at the sources every third of it",
    )
    mastodon_poll_interval_s: float = Field(
        default=30.0, gt=0, description="Between two timeline pages while a source is polled"
    )
    mastodon_stream_retry_s: float = Field(
        default=300.0,
        ge=0,
        description="How long a source whose instance refused streaming is polled before "
        "streaming is asked again",
    )
    mastodon_backoff_max_s: float = Field(
        default=60.0, gt=0, description="Longest wait before reconnecting a failing source"
    )
    mastodon_http_timeout_s: float = Field(
        default=15.0, gt=0, description="Connect and read timeout of timeline pages"
    )
    mastodon_stream_read_timeout_s: float = Field(
        default=90.0,
        gt=0,
        description="A stream silent this long (no status, no heartbeat) is taken for dead "
        "and reopened",
    )
    jetstream_enabled: bool = Field(
        default=False,
        description="Subscribe to Bluesky's Jetstream (every new post of the network, matched "
        "against every tenant's queries); one replica holds the subscription (a lease)",
    )
    jetstream_endpoint: str = Field(
        default="wss://jetstream2.us-east.bsky.network",
        description="The Jetstream instance (its /subscribe is asked for posts only, uncompressed)",
    )
    jetstream_rewind_s: float = Field(
        default=5.0,
        ge=0,
        description="A reconnect resumes this long before the last cursor stored (events of "
        "the last moments may arrive out of order; replayed posts are the same mentions)",
    )
    jetstream_batch_size: int = Field(
        default=200, ge=1, description="Posts recorded per transaction at most"
    )
    jetstream_flush_s: float = Field(
        default=0.5, gt=0, description="A batch is recorded this long after its first event"
    )
    jetstream_lease_ttl_s: float = Field(
        default=30.0,
        gt=0,
        description="The subscription's lease: another replica takes it over this long after "
        "its holder stopped renewing",
    )
    jetstream_backoff_max_s: float = Field(
        default=60.0, gt=0, description="Longest wait before reconnecting to Jetstream"
    )
