"""Upload screening (pure): magic bytes, the per-bucket policies and the decision, with fake ports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from haven import resources
from haven.complaints.evidence import EVIDENCE_TYPES, MAX_EVIDENCE_BYTES
from haven.crisis.media import ALLOWED_MEDIA_TYPES, max_bytes_for
from haven.events import Event
from haven.recruitment.documents import DOCUMENT_TYPES
from haven.safety.photos import MAX_PHOTO_BYTES, PHOTO_TYPES
from haven.uploads import (
    POLICIES,
    SIGNATURES,
    SNIFF_BYTES,
    ObjectVersion,
    Outcome,
    Reason,
    StoredUpload,
    screen,
    screen_upload,
    sniff,
)
from tests.support import HTML, UPLOAD_SAMPLES

SCHEMA = Path(__file__).resolve().parents[3] / "events" / "schemas" / "upload.rejected.json"
MiB = 1024 * 1024


@pytest.mark.parametrize("content_type", sorted(UPLOAD_SAMPLES))
def test_each_sample_is_sniffed_as_its_type(content_type: str) -> None:
    assert sniff(UPLOAD_SAMPLES[content_type][:SNIFF_BYTES]) == content_type


@pytest.mark.parametrize(
    "head",
    [
        HTML,
        b"",
        b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows executable
        b"\x7fELF\x02\x01\x01",
        b"\xff\xd8",  # a JPEG cut short
        b"\x89PNG\r\n\x1a",  # a PNG signature cut short
        b"RIFF\x24\x00\x00\x00WAVEfmt ",  # RIFF, but audio
        b"\x00\x00\x00\x18moovisom",  # an MP4 box, but not ftyp first
        b" %PDF-1.4",  # the header must open the file
    ],
)
def test_other_content_is_not_sniffed_as_an_accepted_type(head: bytes) -> None:
    assert sniff(head) is None


def test_every_upload_bucket_has_a_policy_and_every_type_a_signature() -> None:
    assert set(POLICIES) == set(resources.UPLOAD_BUCKETS)
    assert set(resources.UPLOAD_BUCKETS) == {"media", "safety-photos", "complaint-evidence", "evidence"}
    assert {t for limits in POLICIES.values() for t in limits} <= set(SIGNATURES)


def test_policies_are_the_limits_each_domain_presigns_with() -> None:
    assert POLICIES["media"] == {t: max_bytes_for(t) for t in ALLOWED_MEDIA_TYPES}
    assert POLICIES["media"]["video/mp4"] == 50 * MiB
    assert POLICIES["media"]["image/jpeg"] == 10 * MiB
    assert POLICIES["safety-photos"] == dict.fromkeys(PHOTO_TYPES, MAX_PHOTO_BYTES)
    assert POLICIES["safety-photos"]["image/jpeg"] == 5 * MiB
    assert POLICIES["complaint-evidence"] == dict.fromkeys(EVIDENCE_TYPES, MAX_EVIDENCE_BYTES)
    assert POLICIES["evidence"] == DOCUMENT_TYPES
    assert DOCUMENT_TYPES["application/pdf"] == 20 * MiB


def _upload(
    bucket: str, content_type: str, size: int, key: str = "reports/01JDQ7N3K9V6F2XW8T4R5Y1Z0A/0"
) -> StoredUpload:
    return StoredUpload(ObjectVersion(bucket, key, "v1"), size, content_type)


@pytest.mark.parametrize(
    ("bucket", "content_type", "size", "head", "reason"),
    [
        ("media", "image/jpeg", 10 * MiB, UPLOAD_SAMPLES["image/jpeg"], None),
        ("media", "video/mp4", 50 * MiB, UPLOAD_SAMPLES["video/mp4"], None),
        ("media", "image/webp", 2000, UPLOAD_SAMPLES["image/webp"], None),
        ("media", "image/jpeg", 10 * MiB + 1, UPLOAD_SAMPLES["image/jpeg"], Reason.TOO_LARGE),
        ("media", "image/jpeg", 2000, HTML, Reason.CONTENT_MISMATCH),
        ("media", "image/jpeg", 2000, UPLOAD_SAMPLES["image/png"], Reason.CONTENT_MISMATCH),
        ("media", "text/html", 2000, HTML, Reason.TYPE_NOT_ALLOWED),
        ("media", "application/pdf", 2000, UPLOAD_SAMPLES["application/pdf"], Reason.TYPE_NOT_ALLOWED),
        ("media", "image/jpeg", 0, b"", Reason.EMPTY),
        ("safety-photos", "image/png", 5 * MiB, UPLOAD_SAMPLES["image/png"], None),
        ("safety-photos", "image/png", 5 * MiB + 1, UPLOAD_SAMPLES["image/png"], Reason.TOO_LARGE),
        ("safety-photos", "video/mp4", 2000, UPLOAD_SAMPLES["video/mp4"], Reason.TYPE_NOT_ALLOWED),
        ("complaint-evidence", "application/pdf", 10 * MiB, UPLOAD_SAMPLES["application/pdf"], None),
        ("complaint-evidence", "application/pdf", 10 * MiB + 1, b"%PDF-1.7", Reason.TOO_LARGE),
        ("complaint-evidence", "image/webp", 2000, UPLOAD_SAMPLES["image/webp"], Reason.TYPE_NOT_ALLOWED),
        ("evidence", "application/pdf", 20 * MiB, UPLOAD_SAMPLES["application/pdf"], None),
        ("evidence", "image/jpeg", 10 * MiB + 1, UPLOAD_SAMPLES["image/jpeg"], Reason.TOO_LARGE),
        ("evidence", "application/pdf", 2000, b"MZ\x90\x00", Reason.CONTENT_MISMATCH),
        # The declared type is taken as stored: no case folding, no parameters.
        ("evidence", "application/PDF", 2000, UPLOAD_SAMPLES["application/pdf"], Reason.TYPE_NOT_ALLOWED),
    ],
)
def test_decision(bucket: str, content_type: str, size: int, head: bytes, reason: Reason | None) -> None:
    assert screen(_upload(bucket, content_type, size), head) == reason


class Store:
    """Objects by version; records the calls screening makes."""

    def __init__(self, upload: StoredUpload | None, head: bytes | None = None) -> None:
        self.upload = upload
        self.head = head
        self.calls: list[str] = []

    def stat(self, version: ObjectVersion) -> StoredUpload | None:
        self.calls.append("stat")
        return self.upload

    def first_bytes(self, version: ObjectVersion, count: int) -> bytes | None:
        self.calls.append(f"first_bytes {count}")
        return None if self.head is None else self.head[:count]

    def delete(self, version: ObjectVersion) -> None:
        self.calls.append("delete")
        self.upload = None


class Events:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.published: list[tuple[str, str, dict[str, Any]]] = []

    def publish(self, event: Event) -> None:
        self.store.calls.append("publish")
        self.published.append((event.domain, event.detail_type, event.detail()))


def test_accepted_upload_is_left_alone() -> None:
    upload = _upload("media", "image/jpeg", len(UPLOAD_SAMPLES["image/jpeg"]))
    store = Store(upload, UPLOAD_SAMPLES["image/jpeg"])
    events = Events(store)
    assert screen_upload(upload.version, store, events).outcome is Outcome.ACCEPTED
    assert store.calls == ["stat", f"first_bytes {SNIFF_BYTES}"]
    assert events.published == []


def test_rejected_upload_is_reported_then_deleted_and_a_redelivery_finds_it_gone() -> None:
    from jsonschema import Draft202012Validator, FormatChecker

    upload = _upload("media", "image/jpeg", len(HTML))
    store = Store(upload, HTML)
    events = Events(store)
    screening = screen_upload(upload.version, store, events)
    assert (screening.outcome, screening.reason) == (Outcome.REJECTED, Reason.CONTENT_MISMATCH)
    assert store.calls == ["stat", f"first_bytes {SNIFF_BYTES}", "publish", "delete"]
    [(domain, detail_type, detail)] = events.published
    assert (domain, detail_type) == ("uploads", "upload.rejected")
    Draft202012Validator(json.loads(SCHEMA.read_text()), format_checker=FormatChecker()).validate(detail)
    assert {k: v for k, v in detail.items() if k != "occurred_at"} == {
        "id": upload.version.key,
        "schema_version": "1",
        "bucket": "media",
        "key": upload.version.key,
        "version_id": "v1",
        "reason": "content_mismatch",
        "size_bytes": len(HTML),
    }

    store.calls.clear()
    assert screen_upload(upload.version, store, events).outcome is Outcome.GONE
    assert store.calls == ["stat"]
    assert len(events.published) == 1


def test_an_empty_upload_is_rejected_without_reading_it() -> None:
    upload = _upload("evidence", "application/pdf", 0)
    store = Store(upload)
    screening = screen_upload(upload.version, store, Events(store))
    assert (screening.outcome, screening.reason) == (Outcome.REJECTED, Reason.EMPTY)
    assert store.calls == ["stat", "publish", "delete"]


def test_an_upload_deleted_between_the_two_reads_is_gone() -> None:
    upload = _upload("media", "image/jpeg", 2000)
    store = Store(upload, head=None)
    assert screen_upload(upload.version, store, Events(store)).outcome is Outcome.GONE
    assert "delete" not in store.calls


def test_rejected_event_schema_names_the_catalogs_buckets_and_reasons() -> None:
    properties = json.loads(SCHEMA.read_text())["properties"]
    assert set(properties["bucket"]["enum"]) == set(resources.UPLOAD_BUCKETS)
    assert set(properties["reason"]["enum"]) == {reason.value for reason in Reason}
