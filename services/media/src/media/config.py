"""Media settings: environment variables ``MEDIA_*`` (connections also unprefixed)."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from newsroom_shared.config import ServiceSettings

MIB = 1024 * 1024


class StorageBackend(StrEnum):
    gridfs = "gridfs"
    s3 = "s3"


class MediaSettings(ServiceSettings):
    model_config = SettingsConfigDict(extra="ignore", env_prefix="MEDIA_")
    service_name: ClassVar[str] = "media"

    public_base_url: str = Field(
        default="http://127.0.0.1:8002",
        description="Base of the file URLs in events and answers (no trailing slash); "
        "the publisher shows images only at https URLs",
    )
    max_image_bytes: int = Field(default=40 * MIB, ge=1, description="Largest image upload")
    max_document_bytes: int = Field(
        default=100 * MIB, ge=1, description="Largest document upload (PDF, DOCX, PPTX)"
    )
    max_video_bytes: int = Field(
        default=2 * 1024 * MIB, ge=1, description="Largest video upload (MP4, WebM, MOV)"
    )
    max_archive_entries: int = Field(
        default=10_000, ge=1, description="Most entries a DOCX or PPTX (a ZIP) may hold"
    )
    max_archive_unpacked_bytes: int = Field(
        default=1024 * MIB,
        ge=1,
        description="Most bytes a DOCX or PPTX may unpack to, as its directory declares "
        "(zip bombs are refused)",
    )
    max_image_pixels: int = Field(
        default=50_000_000,
        ge=1,
        description="Largest image by width x height (pixel floods and decompression bombs are "
        "refused, never decoded)",
    )
    tenant_quota_bytes: int = Field(
        default=10 * 1024 * MIB,
        ge=0,
        description="Storage a tenant may use (originals and "
        "renditions); an upload past it answers 413",
    )
    worker_enabled: bool = Field(default=True, description="Run the rendition worker here")
    worker_interval_s: float = Field(default=1.0, gt=0, description="Idle poll of the worker")
    worker_lease_s: float = Field(
        default=120.0,
        gt=0,
        description="How long a claim on an item lasts; a worker that "
        "died holding one lets another take the item after this",
    )
    render_processes: int = Field(
        default=2, ge=1, description="Size of the process pool renditions are made in"
    )
    sweep_interval_s: float = Field(
        default=600.0, gt=0, description="How often files no item recorded are looked for"
    )
    sweep_after_s: float = Field(
        default=3600.0,
        gt=0,
        description="How long a stored file may wait for its item's "
        "record before the sweeper deletes it (a process died in between)",
    )
    render_max_attempts: int = Field(
        default=3,
        ge=1,
        description="Attempts at rendering an item (each ended by a crash, a "
        "timeout or a passing error) before it is rejected",
    )
    render_timeout_s: float = Field(
        default=60.0, gt=0, description="Longest a rendition job may take before it fails"
    )
    video_timeout_s: float = Field(
        default=900.0,
        gt=0,
        description="Longest one ffmpeg run on a video may take (probe, poster frame, the "
        "web-playable MP4) before it is killed and the video rejected",
    )
    url_signing_keys: SecretStr | None = Field(
        default=None,
        description="Keys signing the expiring links to media not yet public (and press kits), "
        "comma-separated, newest first: the newest signs, every listed key verifies, so keys "
        "rotate; unset: a random key per process (dev only: links die with it)",
    )
    signed_url_ttl_s: int = Field(
        default=3600, ge=1, description="Lifetime of a signed link when staff ask for none"
    )
    signed_url_max_ttl_s: int = Field(
        default=7 * 24 * 3600, ge=1, description="Longest lifetime staff may ask a link for"
    )
    storage: StorageBackend = Field(
        default=StorageBackend.gridfs,
        description="Where files live: GridFS in the service's own database, or an "
        "S3-compatible object store (the MEDIA_S3_* settings)",
    )
    s3_endpoint_url: str | None = Field(
        default=None,
        description="The S3 API's URL (unset: AWS's own endpoint for the region); "
        "MinIO, Ceph, R2 and the like take theirs here",
    )
    s3_bucket: str = Field(default="newsroom-media", min_length=3, description="The bucket")
    s3_region: str = Field(default="us-east-1", description="The bucket's region")
    s3_access_key_id: SecretStr | None = Field(
        default=None, description="Credentials (unset: the usual AWS chain: role, env, files)"
    )
    s3_secret_access_key: SecretStr | None = Field(default=None, description="Credentials")
    s3_part_bytes: int = Field(
        default=8 * MIB,
        ge=5 * MIB,
        description="Multipart upload's part size: the most of one upload held in memory "
        "(S3's least is 5 MiB)",
    )
    tus_expire_s: float = Field(
        default=24 * 3600.0,
        gt=0,
        description="How long a resumable (tus) upload waits for its next piece before it "
        "expires and its bytes are deleted (Upload-Expires; each piece renews it)",
    )
    tus_sweep_interval_s: float = Field(
        default=300.0,
        gt=0,
        description="How often expired resumable uploads are swept (by one replica at a time)",
    )
