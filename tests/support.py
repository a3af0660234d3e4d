"""Helpers shared by tests (the environment itself is set in conftest.py)."""

from __future__ import annotations

import base64
import os
import struct
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

EVENT_SCHEMAS = Path(__file__).resolve().parents[1] / "events" / "schemas"


def _jpeg_segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


#: A genuine 1×1 grey baseline JPEG: JFIF header, a flat quantisation table, one-code Huffman
#: tables, and one block whose DC difference and first AC code are both 0.
JPEG = (
    b"\xff\xd8"
    + _jpeg_segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    + _jpeg_segment(0xDB, b"\x00" + b"\x01" * 64)
    + _jpeg_segment(0xC0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00")
    + _jpeg_segment(0xC4, b"\x00\x01" + b"\x00" * 15 + b"\x00")
    + _jpeg_segment(0xC4, b"\x10\x01" + b"\x00" * 15 + b"\x00")
    + _jpeg_segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    + b"\x3f\xff\xd9"
)

#: A file of each type the upload buckets accept, as upload screening (haven.uploads) checks
#: them: whatever a test uploads must be what it declares, or screening deletes it.
UPLOAD_SAMPLES: dict[str, bytes] = {
    "image/jpeg": JPEG,
    # 1×1 transparent PNG and 1×1 lossless WebP.
    "image/png": base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
    ),
    "image/webp": base64.b64decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA=="),
    # The ``ftyp`` box an MP4 file opens with.
    "video/mp4": b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2",
    "application/pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n%%EOF\n",
}

#: What a browser would render: the content screening must catch under an image's name.
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


#: Personal data the scenarios give the API (a name, a phone number, an e-mail address, a
#: passport number): none of it may reach a log line or an event on the bus.
NAME = "Zainab Okonkwo-Haddad"
PHONE = "+44 7700 900461"
EMAIL = "zainab.haddad@example.org"
PASSPORT = "P4366918K"
PHONE_E164 = PHONE.replace(" ", "")
PERSONAL_DATA = (NAME, PHONE, EMAIL, PASSPORT, PHONE_E164)


def leaks(text: str) -> list[str]:
    """The lines of ``text`` that carry any of :data:`PERSONAL_DATA`."""
    return [line[:300] for line in text.splitlines() if any(value in line for value in PERSONAL_DATA)]


def sample_event(detail_type: str, **detail: Any) -> dict[str, Any]:
    """The sample of ``detail_type`` (``events/samples/``, a whole EventBridge event as a rule
    delivers it to its queue) with ``detail``'s fields in its detail."""
    import json

    sample: dict[str, Any] = json.loads(
        (EVENT_SCHEMAS.parent / "samples" / f"{detail_type}.json").read_text()
    )
    return sample | {"detail": sample["detail"] | detail}


def envelope_problems(events: Iterable[Mapping[str, Any]]) -> list[str]:
    """Why each of ``events`` is not what EventBridge delivers to a target: each is parsed by
    Powertools' ``EventBridgeModel`` (what a handler using its parser does) and its ``detail``
    validated against its schema in ``events/schemas/``."""
    import json

    from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
    from jsonschema import Draft202012Validator, FormatChecker
    from pydantic import ValidationError

    problems = []
    for event in events:
        label = f"{event.get('detail-type')} {event.get('id')}"
        try:
            parsed = EventBridgeModel.model_validate(event)
        except ValidationError as error:
            problems.append(f"{label}: {error.errors(include_url=False)}")
            continue
        schema = json.loads((EVENT_SCHEMAS / f"{parsed.detail_type}.json").read_text())
        validator = Draft202012Validator(schema, format_checker=FormatChecker())
        problems += [f"{label}: {e.message}" for e in validator.iter_errors(parsed.detail)]
    return problems


def published_events() -> list[dict[str, object]]:
    """Every event published on the bus since the last call (read from the tap queue), each
    checked to be an EventBridge envelope as Powertools' parser reads it."""
    import json

    import boto3
    from aws_lambda_powertools.utilities.parser.models import EventBridgeModel

    sqs = boto3.client("sqs")
    found: list[dict[str, object]] = []
    while True:
        messages = sqs.receive_message(
            QueueUrl=os.environ["HAVEN_TEST_EVENT_TAP"], MaxNumberOfMessages=10
        ).get("Messages", [])
        if not messages:
            return found
        for m in messages:
            found.append(json.loads(m["Body"]))
            EventBridgeModel.model_validate(found[-1])
            sqs.delete_message(QueueUrl=os.environ["HAVEN_TEST_EVENT_TAP"], ReceiptHandle=m["ReceiptHandle"])


def wait_for(check: Callable[[], T], seconds: float = 30, interval: float = 0.2) -> T:
    """Poll ``check`` until it returns something truthy (work done by the local workers)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {seconds} s")


def pfif_one_way_links(document: bytes) -> list[str]:
    """The notes of a PFIF document that link to a record which links nowhere back: Person
    Finder's validator rule (``validate_linked_records_matched``: if A links to B, B must link
    to A), written here from its definition."""
    from defusedxml import ElementTree as SafeET

    ns = {"pfif": "http://zesty.ca/pfif/1.4"}
    links: dict[str, dict[str, str]] = {}
    for note in SafeET.fromstring(document).iter("{http://zesty.ca/pfif/1.4}note"):
        linked = note.findtext("pfif:linked_person_record_id", namespaces=ns)
        if linked:
            person = note.findtext("pfif:person_record_id", default="", namespaces=ns)
            links.setdefault(person, {})[linked] = note.findtext("pfif:note_record_id", "", ns)
    return [
        note_id
        for person, targets in links.items()
        for linked, note_id in targets.items()
        if person not in links.get(linked, {})
    ]
