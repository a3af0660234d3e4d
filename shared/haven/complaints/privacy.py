"""What a partner authority receives: the complaint, with the worker's identity only by consent.

Without consent (or when the worker filed anonymously) the payload carries no contact, and the
description is scrubbed of what commonly identifies a person in free text: e-mail addresses,
phone numbers and passport-like document numbers. Events on the bus never carry identity.
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "[redacted]"

_PATTERNS = (
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),  # e-mail addresses
    re.compile(r"\+?\d[\d\s().-]{6,}\d"),  # phone numbers and long digit runs
    re.compile(r"\b(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{6,12}\b"),  # passport-like numbers
)


def scrub(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


def shares_identity(complaint: dict[str, Any]) -> bool:
    return bool(complaint["consent_share_identity"]) and not complaint["anonymous"]


def referral_payload(complaint: dict[str, Any], referral_id: str) -> dict[str, Any]:
    """The ``data`` of the CloudEvent pushed to the partner and of its pull API."""
    consent = shares_identity(complaint)
    payload: dict[str, Any] = {
        "referral_id": referral_id,
        "complaint_id": complaint["complaint_id"],
        "filed_at": complaint["filed_at"],
        "categories": complaint["categories"],
        "priority": complaint.get("priority"),
        "description": complaint["description"] if consent else scrub(complaint["description"]),
        "occurred_on": complaint.get("occurred_on"),
        "fees": complaint.get("fees"),
        "origin_country": complaint["origin_country"],
        "destination_country": complaint["destination_country"],
        "recruiter": complaint["recruiter"],
        "evidence_count": len(complaint.get("evidence") or []),
        "consent_share_identity": consent,
    }
    if consent and complaint.get("contact"):
        payload["complainant"] = {**complaint["contact"], "language": complaint.get("language")}
    return payload
