"""PynamoDB models: the tables' keys, indexes and attributes.

The CDK app derives each table's key schema and indexes from these classes, and an infra test
checks the synthesized template against them.

One module per domain holds its tables, with their access patterns in its docstring;
``base`` holds what they share. :data:`MODELS` names each table's model (for the CDK app,
local mode and the tests).
"""

from __future__ import annotations

from pynamodb.models import Model

from haven.adapters.dynamo.models.alerts import (
    Alert,
    AlertDelivery,
    AlertMessage,
    Subscription,
    SubscriptionCell,
)
from haven.adapters.dynamo.models.api import (
    IdempotencyRecord,
    RateWindow,
)
from haven.adapters.dynamo.models.base import HavenMeta
from haven.adapters.dynamo.models.channels import (
    ChannelRecord,
)
from haven.adapters.dynamo.models.complaints import (
    Complaint,
    DeliveryAttempt,
    Partner,
    Referral,
)
from haven.adapters.dynamo.models.crisis import (
    Incident,
    IncidentClaim,
    MediaItem,
    Report,
)
from haven.adapters.dynamo.models.evidence import (
    EvidenceRecord,
)
from haven.adapters.dynamo.models.feeds import (
    FeedItem,
    FeedSource,
)
from haven.adapters.dynamo.models.recruitment import (
    AccreditationApplication,
    AccreditationAuditEntry,
    RosterItem,
)
from haven.adapters.dynamo.models.safety import (
    SafetyRecord,
)

MODELS: dict[str, type[Model]] = {
    "accreditation": AccreditationApplication,
    "accreditation-audit": AccreditationAuditEntry,
    "roster": RosterItem,
    "alerts": Alert,
    "alert-messages": AlertMessage,
    "subscriptions": Subscription,
    "subscription-cells": SubscriptionCell,
    "alert-deliveries": AlertDelivery,
    "idempotency": IdempotencyRecord,
    "rate-limits": RateWindow,
    "reports": Report,
    "incidents": Incident,
    "incident-claims": IncidentClaim,
    "complaints": Complaint,
    "partners": Partner,
    "referrals": Referral,
    "safety": SafetyRecord,
    "evidence": EvidenceRecord,
    "feed-sources": FeedSource,
    "feed-items": FeedItem,
    "conversations": ChannelRecord,
}

__all__ = [
    "MODELS",
    "AccreditationApplication",
    "AccreditationAuditEntry",
    "Alert",
    "AlertDelivery",
    "AlertMessage",
    "ChannelRecord",
    "Complaint",
    "DeliveryAttempt",
    "EvidenceRecord",
    "FeedItem",
    "FeedSource",
    "HavenMeta",
    "IdempotencyRecord",
    "Incident",
    "IncidentClaim",
    "MediaItem",
    "Partner",
    "RateWindow",
    "Referral",
    "Report",
    "RosterItem",
    "SafetyRecord",
    "Subscription",
    "SubscriptionCell",
]
