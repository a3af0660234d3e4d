"""The complaints domain's vocabulary: what a complaint is about and the states it and its
referrals pass through.

Apart from the entities (:mod:`haven.complaints.entities`, which re-exports them) so that the
text channels, which ask a worker for the categories, load these and not the entities.
"""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    RECRUITMENT_FEES = "recruitment_fees"
    PASSPORT_RETENTION = "passport_retention"
    CONTRACT_SUBSTITUTION = "contract_substitution"
    DECEPTION = "deception"
    WAGE_THEFT = "wage_theft"
    ABUSE = "abuse"
    OTHER = "other"


class Status(StrEnum):
    FILED = "filed"
    TRIAGED = "triaged"
    REFERRED = "referred"
    CLOSED = "closed"


class PublicStatus(StrEnum):
    """What the tracking page shows: how far the complaint has come, nothing more."""

    RECEIVED = "received"
    UNDER_REVIEW = "under_review"
    REFERRED = "referred"
    WITH_AUTHORITY = "with_authority"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class ReferralStatus(StrEnum):
    """Where a referral stands: referred by Haven, then what its partner last acknowledged."""

    REFERRED = "referred"
    RECEIVED = "received"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"


class DeliveryState(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    PULL_ONLY = "pull_only"
    RETRYING = "retrying"
    DEAD_LETTERED = "dead_lettered"
