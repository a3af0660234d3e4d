"""Worker complaints, the partners they are referred to, and the referrals.

Access patterns (no Scan):

complaints
  - GetItem by ``complaint_id`` (staff view, transitions, acks, escalation notes).
  - Query ``by_tracking`` (tracking_hash): the complainant's tracking page (the code's SHA-256).
  - Query ``by_status`` (status, filed_at): the auditors' complaint list, newest first.
partners
  - GetItem by ``partner_id`` (admin, delivery worker); BatchGet for a referral's partners.
  - Query ``by_state`` (state active|inactive, name): the admin list and routing (active only).
referrals
  - GetItem by ``referral_id`` (delivery worker, partner ack).
  - Query ``by_partner`` (partner_id, updated_at >= since): a partner's pull API.
  - Query ``by_sla`` (awaiting_ack, sla_due_at <= now): the escalation schedule. Sparse: only
    referrals still waiting for a first acknowledgement carry ``awaiting_ack``.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from haven.adapters.dynamo.models.base import HavenMeta, table_name

# --- complaints and referrals ------------------------------------------------------------------


class ComplaintsByTracking(GlobalSecondaryIndex["Complaint"]):
    class Meta:
        index_name = "by_tracking"
        projection = AllProjection()

    tracking_hash = UnicodeAttribute(hash_key=True)


class ComplaintsByStatus(GlobalSecondaryIndex["Complaint"]):
    class Meta:
        index_name = "by_status"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    filed_at = UnicodeAttribute(range_key=True)


class Complaint(Model):
    """A worker's complaint. ``contact`` is personal data: staff only, never logged or evented."""

    class Meta(HavenMeta):
        table_name = table_name("complaints")

    complaint_id = UnicodeAttribute(hash_key=True)
    tracking_hash = UnicodeAttribute()
    status = UnicodeAttribute()
    public_status = UnicodeAttribute()
    filed_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    recruiter = JSONAttribute()
    categories = JSONAttribute()
    description = UnicodeAttribute()
    occurred_on = UnicodeAttribute(null=True)
    fees = JSONAttribute(null=True)
    origin_country = UnicodeAttribute()
    destination_country = UnicodeAttribute()
    contact = JSONAttribute(null=True)
    anonymous = BooleanAttribute(default=False)
    consent_share_identity = BooleanAttribute(default=False)
    language = UnicodeAttribute(null=True)
    evidence = JSONAttribute(default=list)
    priority = UnicodeAttribute(null=True)
    referrals = JSONAttribute(default=list)
    close_reason = UnicodeAttribute(null=True)
    timeline = JSONAttribute(default=list)
    public_messages = JSONAttribute(default=list)
    version = VersionAttribute()

    by_tracking = ComplaintsByTracking()
    by_status = ComplaintsByStatus()


class PartnersByState(GlobalSecondaryIndex["Partner"]):
    class Meta:
        index_name = "by_state"
        projection = AllProjection()

    state = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute(range_key=True)


class Partner(Model):
    """A partner authority. ``secrets`` are webhook signing secrets: never returned after creation."""

    class Meta(HavenMeta):
        table_name = table_name("partners")

    partner_id = UnicodeAttribute(hash_key=True)
    state = UnicodeAttribute()
    name = UnicodeAttribute()
    jurisdictions = JSONAttribute()
    categories = JSONAttribute()
    webhook_url = UnicodeAttribute(null=True)
    secrets = JSONAttribute()
    contact = JSONAttribute(null=True)
    sla_days = NumberAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()

    by_state = PartnersByState()


class ReferralsByPartner(GlobalSecondaryIndex["Referral"]):
    class Meta:
        index_name = "by_partner"
        projection = AllProjection()

    partner_id = UnicodeAttribute(hash_key=True)
    updated_at = UnicodeAttribute(range_key=True)


class ReferralsBySla(GlobalSecondaryIndex["Referral"]):
    class Meta:
        index_name = "by_sla"
        projection = AllProjection()

    awaiting_ack = UnicodeAttribute(hash_key=True)
    sla_due_at = UnicodeAttribute(range_key=True)


class DeliveryAttempt(MapAttribute[str, object]):
    n = NumberAttribute()
    at = UnicodeAttribute()
    ok = BooleanAttribute()
    http_status = NumberAttribute(null=True)
    error = UnicodeAttribute(null=True)


class Referral(Model):
    """A complaint referred to one partner: what it was sent, every delivery attempt, its acks."""

    class Meta(HavenMeta):
        table_name = table_name("referrals")

    referral_id = UnicodeAttribute(hash_key=True)
    complaint_id = UnicodeAttribute()
    partner_id = UnicodeAttribute()
    status = UnicodeAttribute()
    delivery_state = UnicodeAttribute()
    attempts = ListAttribute(of=DeliveryAttempt, default=list)
    payload = JSONAttribute()
    acks = JSONAttribute(default=list)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    sla_due_at = UnicodeAttribute()
    awaiting_ack = UnicodeAttribute(null=True)
    escalated_at = UnicodeAttribute(null=True)
    version = VersionAttribute()

    by_partner = ReferralsByPartner()
    by_sla = ReferralsBySla()
