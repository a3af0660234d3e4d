"""What the recruiter is told, by email, after each transition of its application."""

from __future__ import annotations

from haven.notifications import Message, Notifier
from haven.recruitment.application import Application, AuditEntry
from haven.recruitment.workflow import ROSTER_STATUS, State

#: The news of each state the application reaches.
_NEWS: dict[State, str] = {
    State.SUBMITTED: "We have received your application and will start reviewing it soon.",
    State.UNDER_REVIEW: "An auditor is reviewing your application.",
    State.DEFERRED: "We need more information. Complete your application and submit it again "
    "within 60 days, or it will be withdrawn.",
    State.REJECTED: "Your application was not accepted.",
    State.AUDIT_SCHEDULED: "An audit of your organisation has been scheduled.",
    State.AUDIT_COMPLETED: "The audit is complete; a decision will follow.",
    State.ACCREDITED: "Your organisation is accredited and listed on the public roster.",
    State.RENEWAL_DUE: "Your accreditation expires within 90 days: contact us to renew it.",
    State.SUSPENDED: "Your accreditation is suspended; the public roster shows it as suspended.",
    State.WITHDRAWN: "Your application or accreditation has been withdrawn.",
    State.EXPIRED: "Your accreditation has expired and is no longer on the public roster.",
}


def notify(application: Application, entry: AuditEntry, notifier: Notifier) -> None:
    contact = (application.organisation or {}).get("contact") or {}
    if not contact.get("email"):
        return
    lines = [_NEWS.get(application.state, ""), "", f"Reason: {entry.reason}"]
    if application.valid_until and application.state in ROSTER_STATUS:
        lines.append(f"Valid until: {application.valid_until}")
    notifier.send(
        Message(
            channel="email",
            to=contact["email"],
            subject=f"Accreditation application {application.application_id}: {application.state.value}",
            body="\n".join(lines),
            ref=f"accreditation:{application.application_id}:{application.version}",
        )
    )
