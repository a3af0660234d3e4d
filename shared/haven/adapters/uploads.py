"""Presigned S3 uploads bounded in type and size (signed locally: no AWS call)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

from haven.adapters.aws import client
from haven.adapters.names import bucket
from haven.crisis.reports import Upload


class S3UploadSigner:
    def __init__(self, bucket_name: str) -> None:
        self._bucket = bucket_name

    def presign(
        self, key: str, content_type: str, max_bytes: int, expires_in: int, sha256_hex: str | None = None
    ) -> Upload:
        """With ``sha256_hex``, S3 refuses a file whose SHA-256 is not that one."""
        fields: dict[str, str] = {"Content-Type": content_type}
        if sha256_hex is not None:
            fields["x-amz-checksum-algorithm"] = "SHA256"
            fields["x-amz-checksum-sha256"] = base64.b64encode(bytes.fromhex(sha256_hex)).decode()
        post = client("s3").generate_presigned_post(
            Bucket=bucket(self._bucket),
            Key=key,
            Fields=fields,
            Conditions=[*({k: v} for k, v in fields.items()), ["content-length-range", 1, max_bytes]],
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
