"""A real S3 API on localhost for tests: moto's server mode, in a thread of the test process.

Every test gets a bucket of its own; the settings point the media service at it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer
from pydantic import SecretStr

from media.adapters.s3.connection import S3Options

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "test-key", "aws_secret_access_key": "test-secret"}


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_admin(endpoint: str) -> Any:
    """A plain (blocking) boto3 client for the tests' own looks into the bucket."""
    return boto3.client("s3", endpoint_url=endpoint, region_name=REGION, **CREDENTIALS)


def new_bucket(endpoint: str, unique: str) -> str:
    name = f"media-{unique}"
    s3_admin(endpoint).create_bucket(Bucket=name)
    return name


def s3_settings(endpoint: str, bucket: str) -> dict[str, Any]:
    """The ``MEDIA_*`` settings of a service storing in ``bucket``."""
    return {
        "storage": "s3",
        "s3_endpoint_url": endpoint,
        "s3_bucket": bucket,
        "s3_region": REGION,
        "s3_access_key_id": CREDENTIALS["aws_access_key_id"],
        "s3_secret_access_key": CREDENTIALS["aws_secret_access_key"],
        "s3_part_bytes": 5 * 1024 * 1024,  # S3's least: a few MiB make a multipart upload
    }


def s3_options(endpoint: str, bucket: str) -> S3Options:
    return S3Options(
        bucket=bucket,
        region=REGION,
        endpoint_url=endpoint,
        access_key_id=SecretStr(CREDENTIALS["aws_access_key_id"]),
        secret_access_key=SecretStr(CREDENTIALS["aws_secret_access_key"]),
    )


def objects(endpoint: str, bucket: str) -> list[str]:
    listed = s3_admin(endpoint).list_objects_v2(Bucket=bucket)
    return [entry["Key"] for entry in listed.get("Contents", [])]


def multipart_uploads(endpoint: str, bucket: str) -> list[str]:
    listed = s3_admin(endpoint).list_multipart_uploads(Bucket=bucket)
    return [upload["Key"] for upload in listed.get("Uploads", [])]
