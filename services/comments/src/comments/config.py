"""Comments settings: environment variables ``COMMENTS_*`` (connections also unprefixed).

Key lists are comma-separated, newest first: the newest key signs, every listed key still
verifies, so keys rotate without breaking the author links already sent.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from newsroom_shared.config import ServiceSettings


class CommentsSettings(ServiceSettings):
    model_config = SettingsConfigDict(extra="ignore", env_prefix="COMMENTS_")
    service_name: ClassVar[str] = "comments"

    public_base_url: str = Field(
        default="http://127.0.0.1:8003",
        description="Base of this API's public URLs (no trailing slash): what links to it in "
        "what the service sends will start with (the author's edit link, once it is emailed)",
    )
    author_token_keys: SecretStr | None = Field(
        default=None,
        description="Keys signing the author's edit/delete tokens, comma-separated, newest "
        "first; unset: a random key per process (dev only: tokens die with it)",
    )
    email_hash_key: SecretStr | None = Field(
        default=None,
        description="Key of the keyed SHA-256 of authors' emails and clients' addresses (in "
        "events, bans and rate limits); unset: a random key per process (dev only)",
    )
    edit_window_s: int = Field(
        default=15 * 60, ge=1, description="How long an author may edit or delete a comment"
    )
    read_cache_ttl_s: float = Field(
        default=5.0,
        ge=0,
        description="How long this process serves a release and its newsroom's settings to "
        "visitors' requests without reading them again: another replica's change (new settings, "
        "a withdrawal) shows here within this time; 0: read every time",
    )
    page_cache_max_bytes: int = Field(
        default=16 * 1024 * 1024,
        ge=0,
        description="Memory for the public threads' and counts' answers in each replica (0: no "
        "cache); an answer is kept until a change to its release's thread",
    )
    page_cache_max_age_s: float = Field(
        default=300.0,
        gt=0,
        description="Longest an answer is kept even without a change (a safety bound)",
    )
    page_cache_poll_interval_s: float = Field(
        default=1.0,
        gt=0,
        description="How often each replica reads which threads changed (page_versions): how "
        "long another replica's change may take to show here",
    )
    page_cache_overlap_s: float = Field(
        default=90.0,
        ge=0,
        description="How far back each poll looks before the previous one: longer than a "
        "transaction may stay open (60 s on MongoDB) plus clock skew to the database",
    )
    public_rate_per_minute: int = Field(
        default=120, ge=1, description="Public reads (threads, counts): requests/minute/client"
    )
    public_rate_burst: int = Field(default=30, ge=1, description="Public reads: at once")
    post_rate_per_minute: int = Field(
        default=6,
        ge=1,
        description="Public writes (post, edit, react, report): requests/minute/client",
    )
    post_rate_burst: int = Field(default=3, ge=1, description="Public writes: at once")
    post_batch_max: int = Field(
        default=64,
        ge=1,
        description="New comments accepted in one transaction at most: those posted while a "
        "batch commits join the next one (group commit; a lone comment commits at once)",
    )
    post_queue_max: int = Field(
        default=1024,
        ge=1,
        description="New comments waiting for a batch at most; beyond, a post waits before it "
        "joins the queue (back-pressure)",
    )
    email_rate_per_minute: int = Field(
        default=3, ge=1, description="Comments per minute per author email, across replicas"
    )
    smtp_host: str = Field(default="127.0.0.1", description="Mail server of the commenters' mails")
    smtp_port: int = Field(default=1025, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool | None = Field(
        default=None, description="True: require STARTTLS; False: never; unset: when offered"
    )
    smtp_from: str = Field(
        default="Newsroom comments <comments@localhost>",
        description="From address of the commenters' mails",
    )
    smtp_timeout_s: float = Field(default=30.0, gt=0)
    mail_poll_interval_s: float = Field(
        default=5.0, gt=0, description="How often the mail loop looks for due mails when idle"
    )
    mail_lease_s: float = Field(
        default=120.0,
        gt=0,
        description="How long a replica holds the mails it claimed before another may send them",
    )
    mail_max_attempts: int = Field(default=8, ge=1, description="Attempts before a mail is dropped")
    mail_retry_first_s: float = Field(default=30.0, gt=0, description="First retry's delay")
    mail_retry_max_s: float = Field(default=3600.0, gt=0, description="Longest retry delay")
    verify_window_s: int = Field(
        default=24 * 3600,
        ge=60,
        description="In newsrooms that verify addresses: how long the link works and how long "
        "an unverified comment is kept before it is removed",
    )
    verified_author_days: int = Field(
        default=180,
        ge=1,
        description="How long an address verified in a newsroom needs no new verification there",
    )
