"""What a partner authority receives: the complaint, with the worker's identity only by consent.

Without consent (or when the worker filed anonymously) the payload carries no contact, and the
description is redacted of what commonly identifies a person in free text: e-mail addresses,
phone numbers and identity (passport-like) numbers, in the forms :mod:`haven.redaction`
describes. Events on the bus never carry identity.
"""

from __future__ import annotations

from typing import Any

from haven.complaints.entities import Complaint
from haven.redaction import redact


def shares_identity(complaint: Complaint) -> bool:
    return complaint.consent_share_identity and not complaint.anonymous


def referral_payload(complaint: Complaint, referral_id: str) -> dict[str, Any]:
    """The ``data`` of the CloudEvent pushed to the partner and of its pull API."""
    consent = shares_identity(complaint)
    payload: dict[str, Any] = {
        "referral_id": referral_id,
        "complaint_id": complaint.complaint_id,
        "filed_at": complaint.filed_at,
        "categories": [c.value for c in complaint.categories],
        "priority": complaint.priority.value if complaint.priority else None,
        "description": complaint.description if consent else redact(complaint.description),
        "occurred_on": complaint.occurred_on,
        "fees": complaint.fees.as_json() if complaint.fees else None,
        "origin_country": complaint.origin_country,
        "destination_country": complaint.destination_country,
        "recruiter": complaint.recruiter.as_json(),
        "evidence_count": len(complaint.evidence),
        "consent_share_identity": consent,
    }
    if consent and complaint.contact:
        payload["complainant"] = {**complaint.contact, "language": complaint.language}
    return payload
