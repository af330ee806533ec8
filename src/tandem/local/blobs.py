"""The attachment store of the local stack: S3 (moto) with presigned URLs rewritten to the one local origin.

On AWS the browser talks to S3 directly; locally moto listens on a random port, so its URLs would be
cross-origin (and blocked by the pages' CSP). `/_local/s3/...` on the local origin proxies to moto instead.
"""

from __future__ import annotations

from typing import Any

from tandem.aws.s3 import S3BlobStore

PROXY_PREFIX = "/_local/s3"


def local_url(url: str, moto_endpoint: str, public_base: str) -> str:
    """A moto URL as the same URL under the local origin's S3 proxy (other URLs unchanged)."""
    endpoint = moto_endpoint.rstrip("/")
    if url.startswith(endpoint):
        return public_base.rstrip("/") + PROXY_PREFIX + url[len(endpoint) :]
    return url


class LocalBlobStore(S3BlobStore):
    """S3BlobStore whose upload and download URLs point at the local origin's proxy."""

    def __init__(self, s3: Any, bucket: str, moto_endpoint: str, public_base: str, url_ttl_seconds: int = 900) -> None:
        super().__init__(s3, bucket, url_ttl_seconds)
        self._endpoint, self._base = moto_endpoint, public_base

    def upload_url(self, key: str, content_type: str, max_bytes: int) -> dict[str, Any]:
        answer = super().upload_url(key, content_type, max_bytes)
        return {**answer, "url": local_url(answer["url"], self._endpoint, self._base)}

    def download_url(self, key: str, filename: str) -> str:
        return local_url(super().download_url(key, filename), self._endpoint, self._base)
