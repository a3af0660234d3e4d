"""Accreditation documents in S3 (the KMS-encrypted ``evidence`` bucket)."""

from __future__ import annotations

from botocore.exceptions import ClientError

from haven.adapters.aws import client
from haven.adapters.names import bucket
from haven.adapters.uploads import S3Uploads, S3UploadSigner, is_missing, object_version
from haven.kernel import Upload
from haven.recruitment.document_uploads import StoredObject
from haven.uploads import StoredUpload


class S3Documents:
    def __init__(self, bucket_name: str = "evidence") -> None:
        self._bucket = bucket_name
        self._signer = S3UploadSigner(bucket_name)
        self._objects = S3Uploads((bucket_name,))

    def presign_upload(
        self, key: str, content_type: str, max_bytes: int, sha256_hex: str, expires_in: int
    ) -> Upload:
        return self._signer.presign(key, content_type, max_bytes, expires_in, sha256_hex=sha256_hex)

    def inspect(self, key: str, head_bytes: int) -> StoredObject | None:
        """A HEAD of the key, then a ranged GET of exactly the version it saw: the bytes judged
        are those of the version pinned, even if another upload lands in between. A version gone
        by the GET (screening deleted it) is as good as never uploaded."""
        try:
            head = client("s3").head_object(Bucket=bucket(self._bucket), Key=key)
        except ClientError as error:
            if is_missing(error):
                return None
            raise
        upload = StoredUpload(
            object_version(self._bucket, key, head.get("VersionId")),
            size_bytes=int(head["ContentLength"]),
            content_type=str(head.get("ContentType", "")),
        )
        # S3 refuses a byte range of an empty object, and there is nothing to sniff in it anyway.
        first = self._objects.first_bytes(upload.version, head_bytes) if upload.size_bytes else b""
        if first is None:
            return None
        return StoredObject(upload, etag=str(head.get("ETag", "")).strip('"'), head=first)

    def download_url(self, key: str, version_id: str | None) -> str:
        params = {"Bucket": bucket(self._bucket), "Key": key}
        if version_id:
            params["VersionId"] = version_id
        return str(client("s3").generate_presigned_url("get_object", Params=params, ExpiresIn=300))
