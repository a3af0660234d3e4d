"""Responder alerts: a severe incident reaches the responders subscribed to its area and hazard.

When an incident opens, or its severity rises, at or above the deployment's threshold, every
active responder subscription whose area covers the incident (index cells ``responders#<cell>``)
and whose hazards include it is notified once per severity level reached: the delivery record
is claimed under ``incident:<id>:<severity>``, so a redelivered event or a later update at the
same level sends nothing again.
"""

from __future__ import annotations

from typing import Any

from haven.alerts.fanout import (
    DeliveryLog,
    Event,
    Rendered,
    SubscriberIndex,
    SubscriptionSource,
    WebhookSender,
    send,
)
from haven.alerts.severity import SEVERITY_RANK
from haven.alerts.subscriptions import Sealer, index_key
from haven.areas import Circle, area_from_dict, intersects
from haven.events.crisis import IncidentEvent
from haven.geo import Point
from haven.notifications import Notifier

AUDIENCE = "responders"


def _matches(entry: dict[str, Any], area: Circle, hazard: str, severity: str) -> bool:
    if entry.get("hazards") and hazard not in entry["hazards"]:
        return False
    if SEVERITY_RANK[severity] < SEVERITY_RANK[entry["min_severity"]]:
        return False
    return intersects(area_from_dict(entry["area"]), area)


def notify_responders(
    incident: IncidentEvent,
    *,
    threshold: str,
    index: SubscriberIndex,
    subscriptions: SubscriptionSource,
    log: DeliveryLog,
    sealer: Sealer,
    notifier: Notifier,
    post_webhook: WebhookSender,
    public_url: str,
) -> list[str]:
    """Notify the matching responders of one incident event; the ids of those notified now."""
    severity = incident.severity
    if SEVERITY_RANK[severity] < SEVERITY_RANK[threshold] or incident.status in ("dismissed", "resolved"):
        return []
    where = Point(incident.location.lat, incident.location.lon)
    area = Circle(where, max(incident.radius_km, 1.0))
    matched: set[str] = set()
    for cell in area.cells():
        for subscription_id, entry in index.in_cell(index_key(AUDIENCE, cell)):
            if _matches(entry, area, incident.hazard, severity):
                matched.add(subscription_id)
    ref = f"incident:{incident.incident_id}:{severity}"
    link = f"{public_url}/v1/ops/incidents/{incident.incident_id}"
    subject = f"[{severity}] {incident.hazard} incident: {incident.report_count} reports"
    text = (
        f"{subject}, about {incident.people_affected} people affected, near "
        f"{where.lat:.3f},{where.lon:.3f}. {link}"
    )
    notified, failures = [], []
    for subscription_id in sorted(matched):
        subscription = subscriptions.get(subscription_id)
        if subscription is None or subscription.state != "active":
            continue
        if not log.claim(ref, subscription_id, subscription.channel):
            continue
        event = Event(
            event_id=f"{ref}:{subscription_id}",
            source=f"{public_url}/v1/ops/incidents",
            event_type="org.haven.incident.severe",
            subject=incident.incident_id,
            time_iso=incident.occurred_at,
            data=incident.detail(),
        )
        address = sealer.open(subscription.sealed_address, subscription.subscription_id)
        try:
            send(
                subscription,
                address,
                Rendered(subject, text),
                event,
                log=log,
                notifier=notifier,
                post_webhook=post_webhook,
                ref=ref,
            )
            notified.append(subscription_id)
        except Exception as error:  # recorded by send; the others still get theirs
            failures.append(error)
    if failures:
        raise failures[0]  # the event is redelivered; claimed deliveries are not repeated
    return notified
