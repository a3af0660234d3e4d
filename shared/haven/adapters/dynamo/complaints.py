"""Complaints, partners and referrals in DynamoDB (GetItem, Query on indexes, TransactWrite).

Each entity is mapped to its item and back here only. An update writes what changed between the
entity as read and as the use case made it (SET, or REMOVE for a cleared value), conditioned on
the version read; attributes it did not change (a referral's delivery attempts, written by the
delivery worker without a version) are left as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pynamodb.attributes import Attribute, VersionAttribute
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.models import Model

from haven.adapters.dynamo.connection import cancelled_on_condition, condition_failed, transaction
from haven.adapters.dynamo.models.complaints import Complaint as ComplaintItem
from haven.adapters.dynamo.models.complaints import DeliveryAttempt as AttemptItem
from haven.adapters.dynamo.models.complaints import Partner as PartnerItem
from haven.adapters.dynamo.models.complaints import Referral as ReferralItem
from haven.complaints.entities import (
    AckRecord,
    Category,
    Complaint,
    DeliveryAttempt,
    DeliveryState,
    Fees,
    Jurisdictions,
    Partner,
    Priority,
    PublicMessage,
    PublicStatus,
    Recruiter,
    Referral,
    ReferralRef,
    ReferralStatus,
    SigningSecret,
    Status,
    StoredEvidence,
)
from haven.kernel import Page, StaleVersion

M = TypeVar("M", bound=Model)

#: How the SLA index marks a referral awaiting its first acknowledgement.
_AWAITING = "yes"


# --- mapping ----------------------------------------------------------------------------------


def _at(item: M, version: int) -> M:
    """The item at the version read (none for an entity not stored yet: PynamoDB sets the first)."""
    if version:
        item.version = version  # type: ignore[attr-defined]
    return item


def complaint_item(complaint: Complaint) -> ComplaintItem:
    item = ComplaintItem(
        complaint_id=complaint.complaint_id,
        tracking_hash=complaint.tracking_hash,
        status=complaint.status.value,
        public_status=complaint.public_status.value,
        filed_at=complaint.filed_at,
        updated_at=complaint.updated_at,
        recruiter=complaint.recruiter.as_json(),
        categories=[c.value for c in complaint.categories],
        description=complaint.description,
        occurred_on=complaint.occurred_on,
        fees=complaint.fees.as_json() if complaint.fees else None,
        origin_country=complaint.origin_country,
        destination_country=complaint.destination_country,
        contact=complaint.contact,
        anonymous=complaint.anonymous,
        consent_share_identity=complaint.consent_share_identity,
        language=complaint.language,
        evidence=[e.as_json() for e in complaint.evidence],
        priority=complaint.priority.value if complaint.priority else None,
        referrals=[r.as_json() for r in complaint.referrals],
        close_reason=complaint.close_reason,
        timeline=list(complaint.timeline),
        public_messages=[m.as_json() for m in complaint.public_messages],
    )
    return _at(item, complaint.version)


def complaint_of(item: ComplaintItem) -> Complaint:
    return Complaint(
        complaint_id=item.complaint_id,
        tracking_hash=item.tracking_hash,
        status=Status(item.status),
        public_status=PublicStatus(item.public_status),
        filed_at=item.filed_at,
        updated_at=item.updated_at,
        recruiter=Recruiter.from_json(item.recruiter),
        categories=tuple(Category(c) for c in item.categories),
        description=item.description,
        occurred_on=item.occurred_on,
        fees=Fees.from_json(item.fees) if item.fees else None,
        origin_country=item.origin_country,
        destination_country=item.destination_country,
        contact=item.contact,
        anonymous=bool(item.anonymous),
        consent_share_identity=bool(item.consent_share_identity),
        language=item.language,
        evidence=tuple(StoredEvidence.from_json(e) for e in item.evidence),
        priority=Priority(item.priority) if item.priority else None,
        referrals=tuple(ReferralRef.from_json(r) for r in item.referrals),
        close_reason=item.close_reason,
        timeline=tuple(item.timeline),
        public_messages=tuple(PublicMessage.from_json(m) for m in item.public_messages),
        version=int(item.version),
    )


def referral_item(referral: Referral) -> ReferralItem:
    item = ReferralItem(
        referral_id=referral.referral_id,
        complaint_id=referral.complaint_id,
        partner_id=referral.partner_id,
        status=referral.status.value,
        delivery_state=referral.delivery_state.value,
        attempts=[AttemptItem(**a.as_json()) for a in referral.attempts],
        payload=referral.payload,
        acks=[a.as_json() for a in referral.acks],
        created_at=referral.created_at,
        updated_at=referral.updated_at,
        sla_due_at=referral.sla_due_at,
        awaiting_ack=_AWAITING if referral.awaiting_ack else None,
        escalated_at=referral.escalated_at,
    )
    return _at(item, referral.version)


def referral_of(item: ReferralItem) -> Referral:
    return Referral(
        referral_id=item.referral_id,
        complaint_id=item.complaint_id,
        partner_id=item.partner_id,
        status=ReferralStatus(item.status),
        delivery_state=DeliveryState(item.delivery_state),
        payload=item.payload,
        created_at=item.created_at,
        updated_at=item.updated_at,
        sla_due_at=item.sla_due_at,
        acks=tuple(AckRecord.from_json(a) for a in item.acks),
        attempts=tuple(DeliveryAttempt.from_json(a.as_dict()) for a in item.attempts),
        awaiting_ack=item.awaiting_ack == _AWAITING,
        escalated_at=item.escalated_at,
        version=int(item.version),
    )


def partner_item(partner: Partner) -> PartnerItem:
    item = PartnerItem(
        partner_id=partner.partner_id,
        state="active" if partner.active else "inactive",
        name=partner.name,
        jurisdictions=partner.jurisdictions.as_json(),
        categories=[c.value for c in partner.categories],
        webhook_url=partner.webhook_url,
        secrets=[s.as_json() for s in partner.secrets],
        contact=partner.contact,
        sla_days=partner.sla_days,
        created_at=partner.created_at,
        updated_at=partner.updated_at,
    )
    return _at(item, partner.version)


def partner_of(item: PartnerItem) -> Partner:
    return Partner(
        partner_id=item.partner_id,
        name=item.name,
        jurisdictions=Jurisdictions.from_json(item.jurisdictions),
        categories=tuple(Category(c) for c in item.categories),
        active=item.state == "active",
        sla_days=int(item.sla_days),
        created_at=item.created_at,
        updated_at=item.updated_at,
        webhook_url=item.webhook_url,
        contact=item.contact,
        secrets=tuple(SigningSecret.from_json(s) for s in item.secrets),
        version=int(item.version),
    )


# --- writes -----------------------------------------------------------------------------------


def _stored(attribute: Attribute[Any], value: Any) -> Any:
    return None if value is None else attribute.serialize(value)


def _changes(before: Model, after: Model) -> list[Action]:
    """SET each attribute ``after`` changed from ``before`` (REMOVE the ones it cleared)."""
    actions: list[Action] = []
    for name, attribute in type(after).get_attributes().items():
        if attribute.is_hash_key or isinstance(attribute, VersionAttribute):
            continue
        value = getattr(after, name)
        if _stored(attribute, getattr(before, name)) != _stored(attribute, value):
            actions.append(attribute.remove() if value is None else attribute.set(value))
    return actions


def _conditional_update(before: M, after: M, current: Callable[[], Any]) -> M:
    """Update at ``before``'s version; :class:`StaleVersion` with ``current()`` if it moved on."""
    model = type(before)
    try:
        before.update(actions=_changes(before, after), condition=model._hash_key_attribute().exists())
    except UpdateError as error:
        if condition_failed(error):
            raise StaleVersion(current()) from None
        raise
    return before


# --- complaints -------------------------------------------------------------------------------


class DynamoComplaints:
    def add(self, complaint: Complaint) -> Complaint:
        item = complaint_item(complaint)
        item.save(condition=ComplaintItem.complaint_id.does_not_exist())
        return complaint_of(item)

    def get(self, complaint_id: str) -> Complaint | None:
        try:
            return complaint_of(ComplaintItem.get(complaint_id, consistent_read=True))
        except ComplaintItem.DoesNotExist:
            return None

    def by_tracking_hash(self, tracking_hash: str) -> Complaint | None:
        for item in ComplaintItem.by_tracking.query(tracking_hash, limit=1):
            return complaint_of(item)
        return None

    def page_by_status(self, status: str, limit: int, position: dict[str, Any] | None) -> Page[Complaint]:
        result = ComplaintItem.by_status.query(
            status, scan_index_forward=False, limit=limit, last_evaluated_key=position
        )
        items = [complaint_of(i) for i in result]
        return Page(items, result.last_evaluated_key)

    def update(self, current: Complaint, new: Complaint) -> Complaint:
        updated = _conditional_update(
            complaint_item(current), complaint_item(new), lambda: self.get(current.complaint_id)
        )
        return complaint_of(updated)

    def refer(self, current: Complaint, new: Complaint, referrals: Sequence[Referral]) -> Complaint:
        before = complaint_item(current)
        try:
            with transaction() as writes:
                writes.update(
                    before,
                    actions=_changes(before, complaint_item(new)),
                    condition=ComplaintItem.complaint_id.exists(),
                )
                for referral in referrals:
                    writes.save(referral_item(referral), condition=ReferralItem.referral_id.does_not_exist())
        except TransactWriteError as error:
            if cancelled_on_condition(error):
                raise StaleVersion(self.get(current.complaint_id)) from None
            raise
        stored = self.get(current.complaint_id)
        assert stored is not None  # it was written just now
        return stored


# --- partners ---------------------------------------------------------------------------------


class DynamoPartners:
    def add(self, partner: Partner) -> Partner:
        item = partner_item(partner)
        item.save(condition=PartnerItem.partner_id.does_not_exist())
        return partner_of(item)

    def get(self, partner_id: str) -> Partner | None:
        try:
            return partner_of(PartnerItem.get(partner_id, consistent_read=True))
        except PartnerItem.DoesNotExist:
            return None

    def listed(self, active: bool) -> list[Partner]:
        return [partner_of(p) for p in PartnerItem.by_state.query("active" if active else "inactive")]

    def active(self) -> list[Partner]:
        return self.listed(active=True)

    def update(self, current: Partner, new: Partner) -> Partner:
        updated = _conditional_update(
            partner_item(current), partner_item(new), lambda: self.get(current.partner_id)
        )
        return partner_of(updated)


# --- referrals --------------------------------------------------------------------------------


class DynamoReferrals:
    def get(self, referral_id: str) -> Referral | None:
        try:
            return referral_of(ReferralItem.get(referral_id, consistent_read=True))
        except ReferralItem.DoesNotExist:
            return None

    def page_for_partner(
        self, partner_id: str, since: str | None, limit: int, position: dict[str, Any] | None
    ) -> Page[Referral]:
        condition = ReferralItem.updated_at >= since if since else None
        result = ReferralItem.by_partner.query(
            partner_id, range_key_condition=condition, limit=limit, last_evaluated_key=position
        )
        items = [referral_of(i) for i in result]
        return Page(items, result.last_evaluated_key)

    def update(self, current: Referral, new: Referral) -> Referral:
        updated = _conditional_update(
            referral_item(current), referral_item(new), lambda: self.get(current.referral_id)
        )
        return referral_of(updated)

    def record_attempt(
        self, referral_id: str, attempt: DeliveryAttempt, delivery_state: DeliveryState
    ) -> None:
        # Not versioned: an attempt never conflicts with an acknowledgement, nor moves its version.
        _unversioned_update(
            referral_id,
            [
                ReferralItem.attempts.set(ReferralItem.attempts.append([AttemptItem(**attempt.as_json())])),
                ReferralItem.delivery_state.set(delivery_state.value),
            ],
            ReferralItem.referral_id.exists(),
        )

    def overdue(self, now: str, limit: int) -> list[Referral]:
        query = ReferralItem.by_sla.query(_AWAITING, ReferralItem.sla_due_at < now, limit=limit)
        return [referral_of(r) for r in query]

    def claim_escalation(self, referral_id: str, at: str) -> bool:
        try:
            _unversioned_update(
                referral_id,
                [ReferralItem.awaiting_ack.remove(), ReferralItem.escalated_at.set(at)],
                ReferralItem.awaiting_ack == _AWAITING,
            )
        except UpdateError as error:
            if condition_failed(error):
                return False
            raise
        return True

    def release_escalation(self, referral_id: str) -> None:
        _unversioned_update(
            referral_id,
            [ReferralItem.awaiting_ack.set(_AWAITING), ReferralItem.escalated_at.remove()],
            ReferralItem.referral_id.exists(),
        )


def _unversioned_update(referral_id: str, actions: list[Action], condition: Any) -> None:
    """An update that leaves the version alone (the model's update would reset it)."""
    ReferralItem._get_connection().update_item(referral_id, actions=actions, condition=condition)
