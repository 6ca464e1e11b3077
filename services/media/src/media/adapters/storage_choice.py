"""The storage backend the settings name: GridFS (the default) or an S3-compatible bucket."""

from __future__ import annotations

from media.adapters.gridfs_storage import GridFsStorage
from media.adapters.s3.connection import S3Connection, S3Options
from media.adapters.s3.storage import S3Storage
from media.config import MediaSettings, StorageBackend
from media.service.ports import Storage
from newsroom_shared.clock import Clock
from newsroom_shared.mongo import Database


def s3_options(settings: MediaSettings) -> S3Options:
    return S3Options(
        bucket=settings.s3_bucket,
        region=settings.s3_region,
        endpoint_url=settings.s3_endpoint_url,
        access_key_id=settings.s3_access_key_id,
        secret_access_key=settings.s3_secret_access_key,
    )


def storage_of(
    settings: MediaSettings, db: Database, clock: Clock
) -> tuple[Storage, S3Connection | None]:
    """The storage, and the S3 connection to open at start and close at stop (if any)."""
    if settings.storage is StorageBackend.s3:
        connection = S3Connection(s3_options(settings))
        return S3Storage(connection, clock, settings.s3_part_bytes), connection
    return GridFsStorage(db), None
