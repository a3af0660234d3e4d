"""The photos of person records: what one may be, where it is kept, and their sweep.

A photo's key starts with its record's expiry, so the hourly sweep lists only the photos of
expired records and deletes them. Apart from the person records (:mod:`haven.safety.people`,
which re-exports these) so that upload screening and the sweep worker load this only.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Protocol

from haven import clock
from haven.kernel import UploadSigner

PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")
MAX_PHOTO_BYTES = 5 * 1024 * 1024


class PhotoStore(UploadSigner, Protocol):
    def delete(self, key: str) -> None: ...

    def expired_keys(self, now: datetime) -> Iterator[str]:
        """Keys of photos whose record expired by ``now``, oldest first."""
        ...


def photo_key(person_id: str, expires_at: datetime) -> str:
    """Photo keys sort by expiry, so the sweep lists only what has expired."""
    return f"photos/{clock.epoch(expires_at):011d}/{person_id}"


def expiry_of_photo_key(key: str) -> datetime | None:
    parts = key.split("/")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    return datetime.fromtimestamp(int(parts[1]), tz=UTC)


def sweep_photos(*, photos: PhotoStore) -> int:
    """Delete the photos of expired records; the number deleted. Idempotent."""
    deleted = 0
    for key in photos.expired_keys(clock.now()):
        photos.delete(key)
        deleted += 1
    return deleted
