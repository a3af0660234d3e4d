"""The partner webhook guide stays true: its verifier and its examples are checked against the code."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from haven import webhooks
from haven.complaints import privacy, referrals
from haven.complaints.entities import (
    Category,
    Complaint,
    DeliveryState,
    Fees,
    Priority,
    PublicStatus,
    Recruiter,
    Referral,
    ReferralStatus,
    Status,
)

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "partners.md"
TEXT = GUIDE.read_text()

Verify = Callable[[str, dict[str, str], bytes], bool]


def _blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", TEXT, re.M | re.S)


@pytest.fixture(scope="module")
def verify() -> Verify:
    """The guide's Python snippet, executed exactly as a partner would copy it."""
    [snippet] = _blocks("python")
    namespace: dict[str, Any] = {}
    exec(compile(snippet, str(GUIDE), "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace["verify"]  # type: ignore[no-any-return]


def _delivery(secrets: list[str], timestamp: int | None = None) -> tuple[dict[str, str], bytes]:
    body = webhooks.cloudevent(
        event_id="01JDQ7P1B2C3D4E5F6G7H8J9K0",
        source=referrals.EVENT_SOURCE,
        event_type=referrals.EVENT_TYPE,
        subject="01JDQ7N3K9V6F2XW8T4R5Y1Z0A",
        time_iso="2026-11-28T10:00:00Z",
        data={"description": "Payé 3000 USD — ☂"},
    )
    return webhooks.sign(secrets, "01JDQ7P1B2C3D4E5F6G7H8J9K0", body, timestamp), body


def test_the_snippet_accepts_a_haven_delivery(verify: Verify) -> None:
    secret = webhooks.new_secret()
    headers, body = _delivery([secret])
    assert verify(secret, headers, body) is True


def test_the_snippet_accepts_either_secret_during_a_rotation(verify: Verify) -> None:
    old, new = webhooks.new_secret(), webhooks.new_secret()
    headers, body = _delivery([new, old])
    assert verify(old, headers, body) is True
    assert verify(new, headers, body) is True


def test_the_snippet_refuses_what_it_must(verify: Verify) -> None:
    secret = webhooks.new_secret()
    headers, body = _delivery([secret])
    assert verify(webhooks.new_secret(), headers, body) is False
    assert verify(secret, headers, body.replace(b"3000", b"3001")) is False
    assert verify(secret, {**headers, "webhook-id": "01JDQ7P1B2C3D4E5F6G7H8J9K1"}, body) is False
    stale_headers, stale_body = _delivery([secret], timestamp=int(time.time()) - 301)
    assert verify(secret, stale_headers, stale_body) is False


def _consenting_complaint() -> Complaint:
    return Complaint(
        complaint_id="01JDQ7N3K9V6F2XW8T4R5Y1Z0A",
        tracking_hash="h",
        status=Status.TRIAGED,
        public_status=PublicStatus.UNDER_REVIEW,
        filed_at="2026-11-28T09:12:44Z",
        updated_at="2026-11-28T09:12:44Z",
        categories=(Category.RECRUITMENT_FEES,),
        priority=Priority.HIGH,
        description="The agent charged me 3000 USD.",
        occurred_on="2026-10-01",
        fees=Fees(3000, "USD"),
        origin_country="NP",
        destination_country="QA",
        recruiter=Recruiter(name="Fast Jobs Ltd"),
        consent_share_identity=True,
        contact={"name": "Ram", "phone": "+977 980 0000000", "email": "ram@example.org"},
        language="ne",
    )


def test_the_envelope_example_has_the_shape_haven_sends() -> None:
    example = json.loads(_blocks("json")[0])
    payload = privacy.referral_payload(_consenting_complaint(), example["id"])
    sent = json.loads(
        webhooks.cloudevent(
            event_id=example["id"],
            source=referrals.EVENT_SOURCE,
            event_type=referrals.EVENT_TYPE,
            subject=example["subject"],
            time_iso=example["time"],
            data=payload,
        )
    )
    assert set(example) == set(sent)
    assert {k: v for k, v in example.items() if k != "data"} == {k: v for k, v in sent.items() if k != "data"}
    assert set(example["data"]) == set(payload)
    assert set(example["data"]["complainant"]) == set(payload["complainant"])


def test_the_guide_states_the_content_type_deliveries_carry() -> None:
    [stated] = re.findall(r"^`Content-Type: ([^`]+)`", TEXT, re.M)
    assert stated == webhooks.CONTENT_TYPE


def test_the_pull_api_example_has_the_shape_haven_answers() -> None:
    example = json.loads(_blocks("json")[1])
    referral = Referral(
        referral_id=example["referral_id"],
        complaint_id="01JDQ7N3K9V6F2XW8T4R5Y1Z0A",
        partner_id="01JDQ7P0A1B2C3D4E5F6G7H8J9",
        status=ReferralStatus.RECEIVED,
        delivery_state=DeliveryState.DELIVERED,
        created_at=example["created_at"],
        updated_at=example["updated_at"],
        sla_due_at=example["sla_due_at"],
        payload={},
        version=2,
    )
    view = referrals.partner_view(referral)
    assert set(example) == set(view)
    assert set(example["delivery"]) == set(view["delivery"])
    assert example["type"] == view["type"]
