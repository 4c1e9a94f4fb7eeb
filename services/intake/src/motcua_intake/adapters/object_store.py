"""S3-compatible object storage for scanned documents and electronic results (MinIO or
SeaweedFS in production, a local S3 server in development), through the MinIO client.

The client is synchronous; its calls run in a worker thread so the event loop never waits on
the network.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from urllib.parse import urlsplit

from minio import Minio
from minio.error import S3Error

from motcua_platform.errors import Unavailable


class ObjectMissing(Exception):
    """The key names no stored object."""


@dataclass
class ObjectStore:
    client: Minio
    bucket: str

    @classmethod
    def connect(cls, endpoint: str, bucket: str, access_key: str, secret_key: str) -> ObjectStore:
        url = urlsplit(endpoint)
        client = Minio(
            url.netloc,
            access_key=access_key,
            secret_key=secret_key,
            secure=url.scheme == "https",
            region="us-east-1",  # fixed, so the client never asks the server for it
        )
        return cls(client, bucket)

    async def ensure_bucket(self) -> None:
        def create() -> None:
            if not self.client.bucket_exists(self.bucket):
                self.client.make_bucket(self.bucket)

        await self._run(create)

    async def put(self, key: str, data: bytes, media_type: str, sha256: str) -> None:
        def put() -> None:
            self.client.put_object(
                self.bucket,
                key,
                io.BytesIO(data),
                len(data),
                content_type=media_type,
                metadata={"sha256": sha256},
            )

        await self._run(put)

    async def get(self, key: str) -> bytes:
        def get() -> bytes:
            response = self.client.get_object(self.bucket, key)
            try:
                return response.read()
            finally:
                response.close()
                response.release_conn()

        try:
            return await self._run(get)
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NoSuchObject"):
                raise ObjectMissing(key) from exc
            raise

    async def reachable(self) -> bool:
        try:
            return await asyncio.to_thread(self.client.bucket_exists, self.bucket)
        except Exception:
            return False

    async def _run(self, call):  # type: ignore[no-untyped-def]
        try:
            return await asyncio.to_thread(call)
        except S3Error:
            raise
        except Exception as exc:  # connection refused, timeouts: the store is down
            raise Unavailable("object storage") from exc
