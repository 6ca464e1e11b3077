"""Distribution settings: environment variables ``DISTRIBUTION_*`` (connections also unprefixed).

Key lists (credentials, subscriber tokens) are comma-separated, newest first: the newest key
encrypts or signs, every listed key still decrypts or verifies, so keys rotate without breaking
what was stored or sent before.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from distribution.adapters.networks.facebook import API_URL as FACEBOOK_API_URL
from distribution.adapters.networks.linkedin import API_URL as LINKEDIN_API_URL
from distribution.adapters.networks.x import API_URL as X_API_URL
from distribution.domain.fanouts import PAGE_SIZE
from newsroom_shared.config import ServiceSettings


class DistributionSettings(ServiceSettings):
    model_config = SettingsConfigDict(extra="ignore", env_prefix="DISTRIBUTION_")
    service_name: ClassVar[str] = "distribution"

    credentials_keys: SecretStr | None = Field(
        default=None,
        description="Fernet keys encrypting channel credentials at rest, comma-separated, newest "
        "first; unset: a random key per process (dev only: stored credentials die with it)",
    )
    subscriber_token_keys: SecretStr | None = Field(
        default=None,
        description="Keys signing subscriber links (unsubscribe...), comma-separated, newest "
        "first; unset: a random key per process (dev only)",
    )
    recipient_digest_key: SecretStr | None = Field(
        default=None,
        description="Keys the SHA-256 digest of email addresses in delivery events; unset: a "
        "random key per process (dev only)",
    )
    public_base_url: str = Field(
        default="https://127.0.0.1:8004",
        description="Base of public URLs (unsubscribe links; https, RFC 8058), no trailing slash",
    )
    custom_domain_scheme: Literal["https", "http"] = Field(
        default="https",
        description="Scheme of a newsroom's own domain (from the publisher's newsroom events): "
        "an email's confirm and unsubscribe links lead a browser to the newsroom's page there",
    )

    alert_sender: str = Field(
        default="alerts@newsroom.example",
        description="From address of the staff alert emails (spikes): the platform's, not a "
        "tenant's",
    )

    public_rate_per_minute: int = Field(
        default=20, ge=1, description="Public subscription routes: requests per minute per client"
    )
    public_rate_burst: int = Field(
        default=5, ge=1, description="Public subscription routes: requests at once per client"
    )

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_start_tls: bool | None = Field(
        default=None, description="None: upgrade when the server offers STARTTLS"
    )
    smtp_timeout_s: float = 30.0
    smtp_pool_size: int = 4
    smtp_rate_per_s: float | None = Field(default=None, description="None: no rate limit")
    smtp_local_hostname: str | None = None

    x_api_url: str = X_API_URL
    linkedin_api_url: str = LINKEDIN_API_URL
    facebook_api_url: str = FACEBOOK_API_URL
    http_timeout_s: float = 15.0
    # Tests and local development only: channels may name http and loopback endpoints.
    allow_insecure_urls: bool = False

    worker_enabled: bool = Field(default=True, description="Run the delivery worker here")
    worker_interval_s: float = Field(
        default=2.0,
        gt=0,
        description="How often the delivery worker looks for due work nobody told it about "
        "(retries coming due, leases run out, work of other replicas); work committed in this "
        "replica (a release consumed, a page planned, a retry requested) wakes it at once",
    )
    confirmation_interval_s: float = Field(
        default=5.0,
        gt=0,
        description="How often due double opt-in emails are looked for when no subscription in "
        "this replica woke the mailer (subscriptions made in other replicas, leases run out)",
    )
    # Each claim is six or seven commands whatever its size (two or three to claim, four for the
    # context): large claims keep the commands per delivery low during a fan-out.
    worker_batch_size: int = Field(default=1000, ge=1, description="Deliveries in flight at most")
    worker_lease_s: float = Field(
        default=300.0,
        description="A claimed delivery without an outcome after this long is claimed again "
        "(its worker is presumed dead); at least twice the longest send timeout "
        "(SMTP_TIMEOUT_S, HTTP_TIMEOUT_S)",
    )
    fan_out_page_size: int = Field(
        default=PAGE_SIZE,
        ge=1,
        description="Subscribers planned per transaction of an email fan-out",
    )
    concurrency: dict[str, int] = Field(
        default_factory=lambda: {
            "mastodon": 4,
            "bluesky": 4,
            "x": 2,
            "linkedin": 2,
            "facebook": 2,
            "webhook": 8,
            "email": 8,
        },
        description="Attempts in flight at most, per channel kind (JSON object)",
    )

    @model_validator(mode="after")
    def _lease_outlasts_an_attempt(self) -> DistributionSettings:
        """A lease shorter than an attempt may take lets another worker claim a delivery while
        its far side is still answering, or while its outcome commits: that delivery goes out
        twice. Twice the longest send timeout leaves the answer, the group commit's wait (an
        eighth of the lease) and the commit inside the lease."""
        longest = max(self.smtp_timeout_s, self.http_timeout_s)
        if self.worker_lease_s < 2 * longest:
            raise ValueError(
                f"worker_lease_s ({self.worker_lease_s:g}) must be at least twice the longest "
                f"send timeout (smtp_timeout_s {self.smtp_timeout_s:g}, http_timeout_s "
                f"{self.http_timeout_s:g}): a shorter lease lets another worker send a "
                "delivery again while its first attempt is still running"
            )
        return self
