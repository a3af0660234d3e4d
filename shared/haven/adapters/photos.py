"""Photos of person records in S3: presigned uploads, deletion, and the expired ones in order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from haven.adapters.aws import client
from haven.adapters.names import bucket
from haven.adapters.uploads import S3UploadSigner
from haven.safety.photos import expiry_of_photo_key

PHOTOS_PREFIX = "photos/"


class S3PhotoStore(S3UploadSigner):
    def __init__(self) -> None:
        super().__init__("safety-photos")

    def delete(self, key: str) -> None:
        # Versioned bucket: this leaves a delete marker; the lifecycle rule removes the
        # noncurrent version a day later, and nothing can read the photo meanwhile.
        client("s3").delete_object(Bucket=bucket(self._bucket), Key=key)

    def expired_keys(self, now: datetime) -> Iterator[str]:
        """Keys sort by expiry (``photos/<epoch>/<id>``): stop at the first one still live."""
        pages = (
            client("s3")
            .get_paginator("list_objects_v2")
            .paginate(Bucket=bucket(self._bucket), Prefix=PHOTOS_PREFIX)
        )
        for page in pages:
            for obj in page.get("Contents", []):
                expiry = expiry_of_photo_key(obj["Key"])
                if expiry is None:
                    continue
                if expiry > now:
                    return
                yield obj["Key"]
