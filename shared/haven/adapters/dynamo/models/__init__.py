"""PynamoDB models: the tables' keys, indexes and attributes.

The CDK app derives each table's key schema and indexes from these classes, and an infra test
checks the synthesized template against them.

One module per domain holds its tables, with their access patterns in its docstring;
``base`` holds what they share. An adapter imports its own domain's module
(``from haven.adapters.dynamo.models.crisis import Incident``), and importing this package
loads no model, so a function loads only the tables it uses (ADR 0046). :func:`all_models`
names each table's model, for the CDK app, local mode and the tests.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pynamodb.models import Model

#: Each table (its logical name in the catalog) → the domain module and class of its model.
TABLE_MODELS: dict[str, tuple[str, str]] = {
    "accreditation": ("recruitment", "AccreditationApplication"),
    "accreditation-audit": ("recruitment", "AccreditationAuditEntry"),
    "roster": ("recruitment", "RosterItem"),
    "alerts": ("alerts", "Alert"),
    "alert-messages": ("alerts", "AlertMessage"),
    "subscriptions": ("alerts", "Subscription"),
    "subscription-cells": ("alerts", "SubscriptionCell"),
    "alert-deliveries": ("alerts", "AlertDelivery"),
    "idempotency": ("api", "IdempotencyRecord"),
    "rate-limits": ("api", "RateWindow"),
    "reports": ("crisis", "Report"),
    "incidents": ("crisis", "Incident"),
    "incident-claims": ("crisis", "IncidentClaim"),
    "complaints": ("complaints", "Complaint"),
    "partners": ("complaints", "Partner"),
    "referrals": ("complaints", "Referral"),
    "safety": ("safety", "SafetyRecord"),
    "evidence": ("evidence", "EvidenceRecord"),
    "feed-sources": ("feeds", "FeedSource"),
    "feed-items": ("feeds", "FeedItem"),
    "conversations": ("channels", "ChannelRecord"),
}


def all_models() -> dict[str, type[Model]]:
    """Every table's model by logical name (this imports every domain's module)."""
    return {
        logical: getattr(importlib.import_module(f"{__name__}.{module}"), name)
        for logical, (module, name) in TABLE_MODELS.items()
    }
