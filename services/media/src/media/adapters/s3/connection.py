"""The S3 client: opened when the service starts, closed when it stops.

aiobotocore (botocore's own request signing, retries and credential chain, over aiohttp) is
the async client that AWS's own SDK stands behind; every S3-compatible server speaks what it
sends. The bucket is checked at start, so a wrong name or credential stops the service there
rather than failing the first upload.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from pydantic import SecretStr

if TYPE_CHECKING:  # the stubs are a development dependency
    from types_aiobotocore_s3 import S3Client


@dataclass(frozen=True, slots=True)
class S3Options:
    bucket: str
    region: str
    endpoint_url: str | None = None
    access_key_id: SecretStr | None = None
    secret_access_key: SecretStr | None = None
    pool_connections: int = 20


class S3Connection:
    def __init__(self, options: S3Options) -> None:
        self.options = options
        self.bucket = options.bucket
        self._stack: AsyncExitStack | None = None
        self._client: S3Client | None = None

    @property
    def client(self) -> S3Client:
        if self._client is None:
            raise RuntimeError("the S3 connection is not open (the service has not started)")
        return self._client

    async def open(self) -> None:
        options = self.options
        stack = AsyncExitStack()
        client = await stack.enter_async_context(
            get_session().create_client(
                "s3",
                region_name=options.region,
                endpoint_url=options.endpoint_url,
                aws_access_key_id=_revealed(options.access_key_id),
                aws_secret_access_key=_revealed(options.secret_access_key),
                config=AioConfig(max_pool_connections=options.pool_connections),
            )
        )
        try:
            await client.head_bucket(Bucket=options.bucket)
        except BaseException:
            await stack.aclose()
            raise
        self._stack, self._client = stack, client

    async def close(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
        self._stack = None
        self._client = None


def _revealed(secret: SecretStr | None) -> str | None:
    return None if secret is None else secret.get_secret_value()
