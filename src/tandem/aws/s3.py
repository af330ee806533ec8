"""S3 blob store for attachments and raw mail."""

from __future__ import annotations

from typing import Any


class S3BlobStore:
    def __init__(self, s3: Any, bucket: str, url_ttl_seconds: int = 900) -> None:
        self._s3, self._bucket, self._ttl = s3, bucket, url_ttl_seconds

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self._s3.put_object(Bucket=self._bucket, Key=key, Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes:
        return self._s3.get_object(Bucket=self._bucket, Key=key)["Body"].read()

    def upload_url(self, key: str, content_type: str, max_bytes: int) -> dict[str, Any]:
        """A presigned POST: S3 itself enforces the size and type the API agreed to."""
        post = self._s3.generate_presigned_post(
            self._bucket,
            key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
            ExpiresIn=self._ttl,
        )
        return {"method": "POST", "url": post["url"], "fields": post["fields"]}

    def download_url(self, key: str, filename: str) -> str:
        safe = filename.replace('"', "")
        return self._s3.generate_presigned_url(
            "get_object",
            ExpiresIn=self._ttl,
            Params={"Bucket": self._bucket, "Key": key, "ResponseContentDisposition": f'attachment; filename="{safe}"'},
        )
