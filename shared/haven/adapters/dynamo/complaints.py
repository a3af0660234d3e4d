"""Complaints, partners and referrals in DynamoDB (GetItem, Query on indexes, TransactWrite)."""

from __future__ import annotations

from typing import Any, TypeVar

from pynamodb.attributes import MapAttribute
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.models import Model

from haven.adapters.dynamo.connection import transaction
from haven.adapters.dynamo.models import Complaint, DeliveryAttempt, Partner, Referral
from haven.kernel import Page, StaleVersion

M = TypeVar("M", bound=Model)

_CONDITION_FAILED = "ConditionalCheckFailedException"


def as_dict(item: Model) -> dict[str, Any]:
    """Every attribute of an item as plain Python values (maps of lists as dicts)."""
    values: dict[str, Any] = {}
    for name in type(item).get_attributes():
        value = getattr(item, name)
        if isinstance(value, list):
            value = [v.as_dict() if isinstance(v, MapAttribute) else v for v in value]
        values[name] = value
    return values


def _actions(model: type[Model], changes: dict[str, Any]) -> list[Action]:
    attributes = model.get_attributes()
    return [attributes[k].remove() if v is None else attributes[k].set(v) for k, v in changes.items()]


def _conditional_update(item: M, changes: dict[str, Any], current: Any) -> M:
    """Update at the item's version; :class:`StaleVersion` with ``current()`` if it moved on."""
    model = type(item)
    key = model._hash_key_attribute()
    try:
        item.update(actions=_actions(model, changes), condition=key.exists())
    except UpdateError as error:
        if getattr(error, "cause_response_code", None) == _CONDITION_FAILED:
            raise StaleVersion(current()) from None
        raise
    return item


# --- complaints -------------------------------------------------------------------------------


class DynamoComplaints:
    def add(self, complaint: dict[str, Any]) -> None:
        Complaint(**complaint).save(condition=Complaint.complaint_id.does_not_exist())

    def get(self, complaint_id: str) -> dict[str, Any] | None:
        try:
            return as_dict(Complaint.get(complaint_id, consistent_read=True))
        except Complaint.DoesNotExist:
            return None

    def by_tracking_hash(self, tracking_hash: str) -> dict[str, Any] | None:
        for item in Complaint.by_tracking.query(tracking_hash, limit=1):
            return as_dict(item)
        return None

    def page_by_status(self, status: str, limit: int, position: dict[str, Any] | None) -> Page:
        result = Complaint.by_status.query(
            status, scan_index_forward=False, limit=limit, last_evaluated_key=position
        )
        items = [as_dict(i) for i in result]
        return Page(items, result.last_evaluated_key)

    def update(self, complaint_id: str, expected_version: int, changes: dict[str, Any]) -> dict[str, Any]:
        item = Complaint(complaint_id=complaint_id, version=expected_version)
        return as_dict(_conditional_update(item, changes, lambda: self.get(complaint_id)))

    def refer(
        self,
        complaint_id: str,
        expected_version: int,
        changes: dict[str, Any],
        referrals: list[dict[str, Any]],
    ) -> dict[str, Any]:
        complaint = Complaint(complaint_id=complaint_id, version=expected_version)
        try:
            with transaction() as writes:
                writes.update(
                    complaint, actions=_actions(Complaint, changes), condition=Complaint.complaint_id.exists()
                )
                for referral in referrals:
                    writes.save(Referral(**referral), condition=Referral.referral_id.does_not_exist())
        except TransactWriteError as error:
            if _CONDITION_FAILED in str(error.cancellation_reasons or ""):
                raise StaleVersion(self.get(complaint_id)) from None
            raise
        current = self.get(complaint_id)
        assert current is not None  # it was written just now
        return current


# --- partners ---------------------------------------------------------------------------------


def _partner_dict(item: Partner) -> dict[str, Any]:
    values = as_dict(item)
    values["active"] = values.pop("state") == "active"
    values["sla_days"] = int(values["sla_days"])
    return values


def _partner_values(values: dict[str, Any]) -> dict[str, Any]:
    stored = dict(values)
    if "active" in stored:
        stored["state"] = "active" if stored.pop("active") else "inactive"
    return stored


class DynamoPartners:
    def add(self, partner: dict[str, Any]) -> None:
        Partner(**_partner_values(partner)).save(condition=Partner.partner_id.does_not_exist())

    def get(self, partner_id: str) -> dict[str, Any] | None:
        try:
            return _partner_dict(Partner.get(partner_id, consistent_read=True))
        except Partner.DoesNotExist:
            return None

    def listed(self, active: bool) -> list[dict[str, Any]]:
        return [_partner_dict(p) for p in Partner.by_state.query("active" if active else "inactive")]

    def active(self) -> list[dict[str, Any]]:
        return self.listed(active=True)

    def update(self, partner_id: str, expected_version: int, changes: dict[str, Any]) -> dict[str, Any]:
        item = Partner(partner_id=partner_id, version=expected_version)
        return _partner_dict(
            _conditional_update(item, _partner_values(changes), lambda: self.get(partner_id))
        )


# --- referrals --------------------------------------------------------------------------------


class DynamoReferrals:
    def get(self, referral_id: str) -> dict[str, Any] | None:
        try:
            return as_dict(Referral.get(referral_id, consistent_read=True))
        except Referral.DoesNotExist:
            return None

    def page_for_partner(
        self, partner_id: str, since: str | None, limit: int, position: dict[str, Any] | None
    ) -> Page:
        condition = Referral.updated_at >= since if since else None
        result = Referral.by_partner.query(
            partner_id, range_key_condition=condition, limit=limit, last_evaluated_key=position
        )
        items = [as_dict(i) for i in result]
        return Page(items, result.last_evaluated_key)

    def update(self, referral_id: str, expected_version: int, changes: dict[str, Any]) -> dict[str, Any]:
        item = Referral(referral_id=referral_id, version=expected_version)
        return as_dict(_conditional_update(item, changes, lambda: self.get(referral_id)))

    def record_attempt(self, referral_id: str, attempt: dict[str, Any], delivery_state: str) -> None:
        # Not versioned: an attempt never conflicts with an acknowledgement, nor moves its version.
        _unversioned_update(
            referral_id,
            [
                Referral.attempts.set(Referral.attempts.append([DeliveryAttempt(**attempt)])),
                Referral.delivery_state.set(delivery_state),
            ],
            Referral.referral_id.exists(),
        )

    def overdue(self, now: str, limit: int) -> list[dict[str, Any]]:
        return [as_dict(r) for r in Referral.by_sla.query("yes", Referral.sla_due_at < now, limit=limit)]

    def claim_escalation(self, referral_id: str, at: str) -> bool:
        try:
            _unversioned_update(
                referral_id,
                [Referral.awaiting_ack.remove(), Referral.escalated_at.set(at)],
                Referral.awaiting_ack == "yes",
            )
        except UpdateError as error:
            if getattr(error, "cause_response_code", None) == _CONDITION_FAILED:
                return False
            raise
        return True

    def release_escalation(self, referral_id: str) -> None:
        _unversioned_update(
            referral_id,
            [Referral.awaiting_ack.set("yes"), Referral.escalated_at.remove()],
            Referral.referral_id.exists(),
        )


def _unversioned_update(referral_id: str, actions: list[Action], condition: Any) -> None:
    """An update that leaves the version alone (the model's update would reset it)."""
    Referral._get_connection().update_item(referral_id, actions=actions, condition=condition)
