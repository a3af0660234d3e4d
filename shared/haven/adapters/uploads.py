"""Presigned S3 uploads bounded in type and size (signed locally: no AWS call)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from haven.adapters.aws import client
from haven.adapters.names import bucket
from haven.crisis.reports import Upload


class S3UploadSigner:
    def __init__(self, bucket_name: str) -> None:
        self._bucket = bucket_name

    def presign(self, key: str, content_type: str, max_bytes: int, expires_in: int) -> Upload:
        post = client("s3").generate_presigned_post(
            Bucket=bucket(self._bucket),
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
            ExpiresIn=expires_in,
        )
        return Upload(
            url=post["url"],
            fields={k: str(v) for k, v in post["fields"].items()},
            content_type=content_type,
            max_bytes=max_bytes,
            expires_at=datetime.now(UTC) + timedelta(seconds=expires_in),
        )

    def presign_get(self, key: str, expires_in: int = 300) -> str:
        return str(
            client("s3").generate_presigned_url(
                "get_object",
                Params={"Bucket": bucket(self._bucket), "Key": key},
                ExpiresIn=expires_in,
            )
        )
