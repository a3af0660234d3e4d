"""Presigned S3 uploads bounded in type and size (signed locally: no AWS call), and the uploaded
objects as screening reads and deletes them (:mod:`haven.uploads`)."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from haven.adapters.aws import client
from haven.adapters.names import bucket
from haven.kernel import Upload
from haven.uploads import ObjectVersion, StoredUpload

#: The version id S3 reports for an object of a bucket without versioning (local mode's buckets).
UNVERSIONED = "null"
#: Error codes of an object, or of a version of it, that does not exist (HEAD answers a bare 404).
_MISSING = frozenset({"404", "NotFound", "NoSuchKey", "NoSuchVersion"})


def is_missing(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in _MISSING


def object_version(logical_bucket: str, key: str, version_id: str | None) -> ObjectVersion:
    """An object version as S3 names it; the ``null`` version of an unversioned bucket is the
    key alone (S3 refuses it as a ``VersionId``)."""
    return ObjectVersion(logical_bucket, key, None if version_id in (None, UNVERSIONED) else version_id)


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


class UnknownBucket(LookupError):
    """An S3 event of a bucket this function was not given: the storage rule and the function's
    grants disagree (a configuration error, left to the DLQ and its alarm)."""


class S3Uploads:
    """The objects of the upload buckets, each addressed by its exact version: the buckets are
    versioned, so deleting a key would only hide the object behind a delete marker."""

    def __init__(self, bucket_names: Iterable[str]) -> None:
        self._buckets = tuple(bucket_names)

    def announced(self, physical_bucket: str, key: str, version_id: str | None) -> ObjectVersion:
        """The object version an S3 ``Object Created`` event names (physical bucket name)."""
        logical = {bucket(name): name for name in self._buckets}.get(physical_bucket)
        if logical is None:
            raise UnknownBucket(physical_bucket)
        return object_version(logical, key, version_id)

    def stat(self, version: ObjectVersion) -> StoredUpload | None:
        try:
            head = client("s3").head_object(**self._address(version))
        except ClientError as error:
            if is_missing(error):
                return None
            raise
        return StoredUpload(version, int(head["ContentLength"]), str(head.get("ContentType", "")))

    def first_bytes(self, version: ObjectVersion, count: int) -> bytes | None:
        try:
            got = client("s3").get_object(**self._address(version), Range=f"bytes=0-{count - 1}")
        except ClientError as error:
            if is_missing(error):
                return None
            raise
        return bytes(got["Body"].read())

    def delete(self, version: ObjectVersion) -> None:
        client("s3").delete_object(**self._address(version))

    @staticmethod
    def _address(version: ObjectVersion) -> dict[str, Any]:
        address = {"Bucket": bucket(version.bucket), "Key": version.key}
        if version.version_id is not None:
            address["VersionId"] = version.version_id
        return address
