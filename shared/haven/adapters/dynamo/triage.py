"""The triage store: incident candidates by H3 cell, and the atomic commit of a decision."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action

from haven import clock
from haven.adapters.dynamo.connection import transaction
from haven.adapters.dynamo.models import Incident as IncidentItem
from haven.adapters.dynamo.models import IncidentClaim
from haven.adapters.dynamo.models import Report as ReportItem
from haven.adapters.dynamo.reports import from_item
from haven.crisis.clustering import IncidentSnapshot, IncidentUpdate
from haven.crisis.reports import Report, ReportStatus
from haven.crisis.taxonomy import Hazard
from haven.crisis.triage import Candidate, Claim, IncidentPlan, Neighbourhood, ReportsChanged
from haven.errors import Conflict

#: Incidents no report joins any more.
CLOSED = frozenset({"dismissed", "resolved"})


def incident_dict(item: IncidentItem) -> dict[str, Any]:
    return {
        "incident_id": item.incident_id,
        "version": int(item.version or 0),
        "hazard": item.hazard,
        "category": item.category,
        "status": item.status,
        "severity": item.severity,
        "lat": float(item.lat),
        "lon": float(item.lon),
        "radius_km": float(item.radius_km),
        "report_count": int(item.report_count),
        "feed_item_count": int(item.feed_item_count or 0),
        "people_affected": int(item.people_affected or 0),
        "credibility": float(item.credibility),
        "opened_at": item.opened_at,
        "last_report_at": item.last_report_at,
        "updated_at": item.updated_at,
        "assignee": item.assignee,
        "notes": item.notes or [],
        "history": item.history or [],
    }


#: Cancellation reason DynamoDB gives an item whose condition failed in a transaction.
_CONDITION_FAILED = "ConditionalCheckFailed"
#: Reasons that mean another writer was there first, or DynamoDB asks to slow down: planned
#: again and retried. Any other (an item too large, a validation error) is a real failure.
_RACES = frozenset({_CONDITION_FAILED, "TransactionConflict", "ThrottlingError", "None"})


def _candidate(item: IncidentItem) -> Candidate:
    return Candidate(
        snapshot=IncidentSnapshot(
            incident_id=item.incident_id,
            hazard=Hazard(item.hazard),
            lat=float(item.lat),
            lon=float(item.lon),
            radius_km=float(item.radius_km),
            last_report_at=datetime.fromisoformat(item.last_report_at),
            report_count=int(item.report_count),
            people_affected=int(item.people_affected or 0),
            severity=item.severity,
        ),
        version=int(item.version or 0),
        credibility=float(item.credibility),
        feed_item_count=int(item.feed_item_count or 0),
    )


class DynamoTriageStore:
    """Candidates: a Query of ``by_hazard_cell`` per cell around a report (ids only), a strongly
    consistent BatchGet of the same cells' claims, then of every incident either names.
    Commit: one TransactWrite per plan (its reports, its incident, and the claims an opening
    takes), conditional on what was read."""

    def __init__(self, claim_ttl: timedelta = timedelta(days=30)) -> None:
        self._claim_ttl = claim_ttl

    def get_reports(self, report_ids: list[str]) -> dict[str, Report]:
        unique = list(dict.fromkeys(report_ids))
        return {
            item.report_id: from_item(item) for item in ReportItem.batch_get(unique, consistent_read=True)
        }

    def incident(self, incident_id: str) -> dict[str, Any] | None:
        try:
            return incident_dict(IncidentItem.get(incident_id, consistent_read=True))
        except IncidentItem.DoesNotExist:
            return None

    def neighbourhood(self, hazard_cell_keys: list[str], since: datetime) -> Neighbourhood:
        threshold = since.astimezone(UTC).isoformat()
        # The index says which incidents are near (it may lag); the items are read strongly,
        # so the versions a plan expects are current, not the index's copy.
        near = {
            item.incident_id
            for key in hazard_cell_keys
            for item in IncidentItem.by_hazard_cell.query(
                key, IncidentItem.last_report_at >= threshold, attributes_to_get=["incident_id"]
            )
        }
        claims = {
            item.cell: Claim(int(item.sequence), tuple(str(i) for i in item.incident_ids or ()))
            for item in IncidentClaim.batch_get(hazard_cell_keys, consistent_read=True)
        }
        near |= {i for claim in claims.values() for i in claim.incident_ids}
        found: dict[str, Candidate] = {}
        if near:
            for item in IncidentItem.batch_get(sorted(near), consistent_read=True):
                if item.status not in CLOSED and item.last_report_at >= threshold:
                    found[item.incident_id] = _candidate(item)
        return Neighbourhood(
            candidates=list(found.values()),
            claims={key: claims.get(key, Claim()) for key in hazard_cell_keys},
        )

    def commit(self, plan: IncidentPlan) -> dict[str, Any] | None:
        now = clock.iso(clock.now())
        update = plan.incident
        reports = [report for _, report in plan.decisions]
        try:
            # A token per attempt: botocore's own retries resend it (applied once); a plan made
            # again after a race is another request, with another token.
            with transaction(str(uuid.uuid4())) as writes:
                for decision, report in plan.decisions:
                    actions: list[Action] = [
                        ReportItem.status.set(decision.status.value),
                        ReportItem.category.set(decision.category.value),
                        ReportItem.hazard.set(decision.hazard.value),
                        ReportItem.triage.set(decision.triage_record()),
                    ]
                    if update is not None:
                        actions.append(ReportItem.incident_id.set(update.incident_id))
                    writes.update(
                        ReportItem(report_id=report.report_id, version=report.version),
                        actions=actions,
                        condition=ReportItem.status == ReportStatus.RECEIVED.value,
                    )
                if update is not None and plan.opens:
                    writes.save(
                        self._opened(plan, update, now), condition=IncidentItem.incident_id.does_not_exist()
                    )
                    for cell, claim in plan.claims.items():
                        taken = claim.after_opening(update.incident_id)
                        writes.save(
                            IncidentClaim(
                                cell=cell,
                                incident_ids=list(taken.incident_ids),
                                sequence=taken.sequence,
                                expires_at=clock.now() + self._claim_ttl,
                            ),
                            condition=(
                                IncidentClaim.cell.does_not_exist()
                                if claim.sequence == 0
                                else IncidentClaim.sequence == claim.sequence
                            ),
                        )
                elif update is not None:
                    writes.update(
                        IncidentItem(incident_id=update.incident_id, version=plan.expected_version),
                        actions=[
                            IncidentItem.hazard_cell.set(update.cell_key),
                            IncidentItem.lat.set(update.lat),
                            IncidentItem.lon.set(update.lon),
                            IncidentItem.radius_km.set(update.radius_km),
                            IncidentItem.report_count.set(update.report_count),
                            IncidentItem.people_affected.set(update.people_affected),
                            IncidentItem.severity.set(update.severity.value),
                            IncidentItem.last_report_at.set(
                                update.last_report_at.astimezone(UTC).isoformat()
                            ),
                            IncidentItem.updated_at.set(now),
                            IncidentItem.credibility.set(plan.credibility),
                        ],
                    )
        except TransactWriteError as error:
            if error.cause_response_code != "TransactionCanceledException":
                raise  # not a race: throttling, access, validation (retried or dead-lettered as is)
            reasons = [reason.code if reason is not None else "None" for reason in error.cancellation_reasons]
            unexpected = sorted(set(reasons) - _RACES)
            if unexpected:
                raise RuntimeError(f"triage transaction cancelled: {unexpected}") from None
            # PynamoDB sends a transaction's puts before its updates: an opening's incident and
            # claims come first, then the reports (updates, in the order written).
            first_report = 1 + len(plan.claims) if plan.opens else 0
            changed = [
                report.report_id
                for report, code in zip(reports, reasons[first_report:], strict=False)
                if code == _CONDITION_FAILED
            ]
            if changed:
                raise ReportsChanged(changed) from None
            raise Conflict(f"triage of {len(reports)} reports raced another change") from None
        return None if update is None else self.incident(update.incident_id)

    @staticmethod
    def _opened(plan: IncidentPlan, update: IncidentUpdate, now: str) -> IncidentItem:
        assert plan.category is not None
        return IncidentItem(
            incident_id=update.incident_id,
            hazard=update.hazard.value,
            category=plan.category.value,
            hazard_cell=update.cell_key,
            status="new",
            lat=update.lat,
            lon=update.lon,
            radius_km=update.radius_km,
            report_count=update.report_count,
            people_affected=update.people_affected,
            severity=update.severity.value,
            credibility=plan.credibility,
            opened_at=now,
            last_report_at=update.last_report_at.astimezone(UTC).isoformat(),
            updated_at=now,
        )
