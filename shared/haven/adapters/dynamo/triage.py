"""The triage store: incident candidates by H3 cell, and the atomic commit of a decision."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action

from haven import clock
from haven.adapters.dynamo import incidents
from haven.adapters.dynamo.connection import CONDITION_NOT_MET, cancellation_codes, transaction
from haven.adapters.dynamo.models.crisis import Incident as IncidentItem
from haven.adapters.dynamo.models.crisis import IncidentClaim
from haven.adapters.dynamo.models.crisis import Report as ReportItem
from haven.adapters.dynamo.reports import from_item
from haven.crisis.incident import Incident
from haven.crisis.report import Report, ReportStatus
from haven.crisis.triage import Claim, IncidentPlan, Neighbourhood, ReportsChanged
from haven.errors import Conflict

#: Incidents no report joins any more.
CLOSED = frozenset({"dismissed", "resolved"})


#: Reasons that mean another writer was there first, or DynamoDB asks to slow down: planned
#: again and retried. Any other (an item too large, a validation error) is a real failure.
_RACES = frozenset({CONDITION_NOT_MET, "TransactionConflict", "ThrottlingError", None})


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

    def incident(self, incident_id: str) -> Incident | None:
        return incidents.read_incident(incident_id)

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
        found: dict[str, Incident] = {}
        if near:
            for item in IncidentItem.batch_get(sorted(near), consistent_read=True):
                if item.status not in CLOSED and item.last_report_at >= threshold:
                    found[item.incident_id] = incidents.from_item(item)
        return Neighbourhood(
            candidates=list(found.values()),
            claims={key: claims.get(key, Claim()) for key in hazard_cell_keys},
        )

    def commit(self, plan: IncidentPlan) -> None:
        incident = plan.incident
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
                    if incident is not None:
                        actions.append(ReportItem.incident_id.set(incident.incident_id))
                    writes.update(
                        ReportItem(report_id=report.report_id, version=report.version),
                        actions=actions,
                        condition=ReportItem.status == ReportStatus.RECEIVED.value,
                    )
                if incident is not None:
                    # Conditional on the version read (an opening: on there being none).
                    writes.save(incidents.to_item(incident))
                    for cell, claim in plan.claims.items():
                        taken = claim.after_opening(incident.incident_id)
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
        except TransactWriteError as error:
            if error.cause_response_code != "TransactionCanceledException":
                raise  # not a race: throttling, access, validation (retried or dead-lettered as is)
            reasons = cancellation_codes(error)
            unexpected = sorted(str(code) for code in set(reasons) - _RACES)
            if unexpected:
                raise RuntimeError(f"triage transaction cancelled: {unexpected}") from None
            # PynamoDB sends a transaction's puts before its updates: the incident and an
            # opening's claims come first, then the reports (updates, in the order written).
            first_report = 1 + len(plan.claims) if incident is not None else 0
            changed = [
                report.report_id
                for report, code in zip(reports, reasons[first_report:], strict=False)
                if code == CONDITION_NOT_MET
            ]
            if changed:
                raise ReportsChanged(changed) from None
            raise Conflict(f"triage of {len(reports)} reports raced another change") from None
