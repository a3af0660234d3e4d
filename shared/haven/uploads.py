"""Screening of uploaded files, after they land: size, declared type and first bytes.

Browsers and apps upload straight to S3 with presigned POSTs that bind the Content-Type and a
size range (:mod:`haven.adapters.uploads`). S3 enforces those conditions, but it never looks at
the bytes: a "photo" that is really an HTML page or an executable passes. The local emulator
enforces neither. So every object created in an upload bucket is screened once it has landed:
its stored Content-Type must be one its bucket accepts, its size within that type's limit, and
its first bytes (the format's magic number) must be of that type. Anything else is deleted and
``upload.rejected`` is published.

The per-bucket policies are the limits the domains presign with, taken from their constants:
they cannot drift apart. Screening is idempotent: an object already gone has nothing to screen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from haven import clock
from haven.complaints.evidence import EVIDENCE_TYPES, MAX_EVIDENCE_BYTES
from haven.crisis.media import ALLOWED_MEDIA_TYPES, max_bytes_for
from haven.events import EventSink
from haven.events.uploads import UploadRejected
from haven.recruitment.documents import DOCUMENT_TYPES
from haven.safety.photos import MAX_PHOTO_BYTES, PHOTO_TYPES

#: How many leading bytes are read: enough for every signature below (WebP and MP4 need 12).
SNIFF_BYTES = 64


def _webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _mp4(head: bytes) -> bool:
    # ISO base media files open with a box whose type, after its 4-byte size, is ``ftyp``.
    return head[4:8] == b"ftyp"


#: Content type → does a file that starts with these bytes have that format?
SIGNATURES: dict[str, Callable[[bytes], bool]] = {
    "image/jpeg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "image/png": lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    "image/webp": _webp,
    "video/mp4": _mp4,
    "application/pdf": lambda head: head.startswith(b"%PDF-"),
}


def sniff(head: bytes) -> str | None:
    """The content type the first bytes of a file are the magic number of (``None``: unknown)."""
    return next((content_type for content_type, matches in SIGNATURES.items() if matches(head)), None)


#: Logical upload bucket → content type → the largest object of that type it accepts, exactly
#: the limits each domain presigns its uploads with.
POLICIES: dict[str, Mapping[str, int]] = {
    # Media attached to crisis reports.
    "media": {content_type: max_bytes_for(content_type) for content_type in ALLOWED_MEDIA_TYPES},
    # Photos of person records (family tracing).
    "safety-photos": dict.fromkeys(PHOTO_TYPES, MAX_PHOTO_BYTES),
    # Evidence attached to workers' complaints.
    "complaint-evidence": dict.fromkeys(EVIDENCE_TYPES, MAX_EVIDENCE_BYTES),
    # Accreditation documents of recruiters.
    "evidence": DOCUMENT_TYPES,
}


class Reason(StrEnum):
    """Why an upload was rejected (``reason`` of ``upload.rejected``)."""

    EMPTY = "empty"
    TYPE_NOT_ALLOWED = "type_not_allowed"
    TOO_LARGE = "too_large"
    CONTENT_MISMATCH = "content_mismatch"


@dataclass(frozen=True)
class ObjectVersion:
    """One object version an upload created, as S3 announced it."""

    #: The logical bucket name (``media``, ``evidence``...), never the physical one.
    bucket: str
    key: str
    #: ``None``: the bucket has no versioning, and the key alone names the object.
    version_id: str | None


@dataclass(frozen=True)
class StoredUpload:
    """What S3 stored for an object version: its size and the Content-Type it was sent with."""

    version: ObjectVersion
    size_bytes: int
    content_type: str


def screen(upload: StoredUpload, head: bytes) -> Reason | None:
    """Whether its bucket accepts ``upload``, whose first bytes are ``head`` (``None``: it does)."""
    if upload.size_bytes == 0:
        return Reason.EMPTY
    limits = POLICIES[upload.version.bucket]
    if upload.content_type not in limits:
        return Reason.TYPE_NOT_ALLOWED
    if upload.size_bytes > limits[upload.content_type]:
        return Reason.TOO_LARGE
    if not SIGNATURES[upload.content_type](head):
        return Reason.CONTENT_MISMATCH
    return None


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    #: Deleted before it was screened: a redelivered event, or the object's own expiry.
    GONE = "gone"


@dataclass(frozen=True)
class Screening:
    outcome: Outcome
    reason: Reason | None = None


class UploadStore(Protocol):
    def stat(self, version: ObjectVersion) -> StoredUpload | None:
        """Size and Content-Type of exactly this version (``None``: it no longer exists)."""
        ...

    def first_bytes(self, version: ObjectVersion, count: int) -> bytes | None:
        """Up to ``count`` leading bytes of exactly this version (``None``: it no longer exists)."""
        ...

    def delete(self, version: ObjectVersion) -> None:
        """Delete exactly this version for good (a no-op if it is already gone)."""
        ...


def screen_upload(version: ObjectVersion, store: UploadStore, events: EventSink) -> Screening:
    """Screen one uploaded object version; delete it if its bucket does not accept it.

    The event is published before the deletion: if the deletion fails, the redelivered message
    finds the object, rejects it again and publishes again (consumers deduplicate on ``id`` and
    ``version_id``); the other order could delete an object and never say so.
    """
    stored = store.stat(version)
    if stored is None:
        return Screening(Outcome.GONE)
    # S3 refuses a byte range of an empty object, and there is nothing to sniff in it anyway.
    head = store.first_bytes(version, SNIFF_BYTES) if stored.size_bytes else b""
    if head is None:
        return Screening(Outcome.GONE)
    reason = screen(stored, head)
    if reason is None:
        return Screening(Outcome.ACCEPTED)
    events.publish(rejected_event(stored, reason))
    store.delete(version)
    return Screening(Outcome.REJECTED, reason)


def rejected_event(upload: StoredUpload, reason: Reason) -> UploadRejected:
    """``upload.rejected``: where the object was and why it went; no content, no names (keys
    are made of generated ids)."""
    return UploadRejected(
        id=upload.version.key,
        occurred_at=clock.iso(clock.now()),
        bucket=upload.version.bucket,
        key=upload.version.key,
        version_id=upload.version.version_id,
        reason=reason.value,
        size_bytes=upload.size_bytes,
    )
