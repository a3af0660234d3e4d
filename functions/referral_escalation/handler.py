"""Escalation schedule: referrals not acknowledged within their SLA are escalated, once each.

Runs every hour (catalog schedule ``referral-escalation``). Each overdue referral gets a
``referral.escalated`` event, an entry on its complaint's timeline and a notice to the
administrators (when ``HAVEN_ADMIN_NOTICE_EMAIL`` is set). Re-running escalates nothing twice.
"""

from __future__ import annotations

from typing import Any

from haven.adapters import observability
from haven.adapters.dynamo.complaints import DynamoComplaints, DynamoReferrals
from haven.adapters.events import EventBridgePublisher
from haven.adapters.notifier import notifier
from haven.complaints.referrals import escalate_overdue
from haven.settings import settings

logger = observability.logger("referral-escalation")
tracer = observability.tracer("referral-escalation")
metrics = observability.metrics("referral-escalation")

referrals = DynamoReferrals()
complaints = DynamoComplaints()
events = EventBridgePublisher()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    escalated = escalate_overdue(
        referrals=referrals,
        complaints=complaints,
        events=events,
        notify=notifier().send,
        admin_address=settings.admin_notice_email,
    )
    metrics.add_metric(name="ReferralsEscalated", unit="Count", value=len(escalated))
    return {"escalated": len(escalated)}
