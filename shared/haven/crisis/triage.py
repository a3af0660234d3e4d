"""Triage of reports: classify, score, cluster into incidents, announce them.

Runs in the triage worker for each batch of the intake queue (ADR 18). The batch is planned as
a whole (:func:`plan_batch`): each report is decided on the incidents around it and on what the
reports before it did, and the writes are grouped into one atomic commit per incident. Opening an
incident takes the claims of the cells around it, so concurrent openers collide and the loser
joins the winner; any commit that loses a race is planned again and retried here, with jitter
(:class:`RetryPolicy`). Redelivery is harmless: a report is triaged once (each commit is
conditional on its reports not being triaged yet); a redelivered message for a triaged report
only announces its incident again (events are at-least-once, identified by id and version).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from haven import clock, geo, ids
from haven.crisis.classifier import Classification, Classifier
from haven.crisis.clustering import as_candidate, choose_incident, merge, open_incident
from haven.crisis.credibility import (
    Credibility,
    CredibilitySignals,
    Source,
    category_hazard_consistent,
    credibility,
)
from haven.crisis.incident import Incident
from haven.crisis.report import Report, ReportStatus
from haven.crisis.taxonomy import Category, Hazard, hazard_cell_keys_around, profile
from haven.errors import Conflict
from haven.events import EventSink
from haven.events.crisis import IncidentEvent, IncidentOpened, IncidentUpdated, Location

#: A report the classifier is this sure is not humanitarian is kept out of incidents.
NOT_HUMANITARIAN_CUTOFF = 0.7
#: Incidents are shown to the public with coordinates coarsened to this H3 resolution (~1 km).
PUBLIC_RESOLUTION = 8


class ReportNotFound(Exception):
    """The message names a report that does not exist (malformed or expired): dead-letter it."""


@dataclass(frozen=True)
class TriageDecision:
    report_id: str
    category: Category
    hazard: Hazard
    classification: Classification
    credibility: Credibility
    #: The incident the report joins or opens, as its commit writes it; None when kept out.
    incident: Incident | None
    status: ReportStatus
    #: Why the report was kept out of incidents (:func:`keep_out_reason`); None when linked.
    kept_out: str | None = None

    def triage_record(self) -> dict[str, Any]:
        record = {
            "classification": self.classification.to_dict(),
            "credibility": self.credibility.to_dict(),
            "triaged_at": clock.iso(clock.now()),
        }
        if self.kept_out:
            record["kept_out"] = self.kept_out
        return record


def carried_labels(report: Mapping[str, Any]) -> tuple[set[str], set[str | None]]:
    """The categories and the hazards a stored report carries: its own, and every one its
    triage record lists (:meth:`TriageDecision.triage_record`). A report not yet triaged, or
    triaged before ``categories`` and ``hazards`` were recorded, carries its own alone."""
    found = (report.get("triage") or {}).get("classification") or {}
    return (
        {report["category"], *found.get("categories", ())},
        {report.get("hazard"), *found.get("hazards", ())},
    )


#: Incidents a claim remembers (the latest first): more than ever open in one cell at once.
CLAIM_MEMORY = 8


@dataclass(frozen=True)
class Claim:
    """The incidents opened in one hazard cell's neighbourhood, latest first, and how many
    openings it has seen (its ``sequence``: 0 where none ever was). Opening an incident takes
    the claims of the seven cells around it at the sequences read, so two workers that open
    incidents for neighbouring reports at once collide, and the loser sees the winner."""

    sequence: int = 0
    incident_ids: tuple[str, ...] = ()

    def after_opening(self, incident_id: str) -> Claim:
        return Claim(self.sequence + 1, (incident_id, *self.incident_ids)[:CLAIM_MEMORY])


@dataclass(frozen=True)
class Neighbourhood:
    """What the store knows around a report: the candidate incidents (from the index and, read
    strongly, from the claims) and the claims of its cells."""

    candidates: list[Incident]
    claims: dict[str, Claim]


@dataclass
class IncidentPlan:
    """One atomic write: the reports of a batch that join (or open) one incident, or one report
    kept out of incidents. ``incident`` is the incident as the commit writes it, after all of
    them: written if the stored one is at ``incident.expected_version`` (0: opened by it)."""

    decisions: list[tuple[TriageDecision, Report]]
    incident: Incident | None = None
    #: Opening claims to take, as read (opening only).
    claims: dict[str, Claim] = field(default_factory=dict)

    @property
    def opens(self) -> bool:
        return self.incident is not None and self.incident.expected_version == 0

    @property
    def report_ids(self) -> list[str]:
        return [report.report_id for _, report in self.decisions]


class TriageStore(Protocol):
    def get_reports(self, report_ids: list[str]) -> dict[str, Report]: ...

    def neighbourhood(self, hazard_cell_keys: list[str], since: datetime) -> Neighbourhood:
        """Candidates from the index and from the claims of these cells (read strongly)."""
        ...

    def commit(self, plan: IncidentPlan) -> None:
        """Write the plan atomically: its reports' decisions, its incident, its claims.

        Raises :class:`ReportsChanged` when one of its reports was triaged meanwhile, and
        :class:`~haven.errors.Conflict` when the incident or a claim changed since it was read.
        """
        ...

    def incident(self, incident_id: str) -> Incident | None: ...


class ReportsChanged(Conflict):
    """Reports of a plan were triaged by another delivery meanwhile."""

    def __init__(self, report_ids: list[str]) -> None:
        super().__init__(f"{len(report_ids)} reports were triaged meanwhile")
        self.report_ids = report_ids


#: Feed types published by the agencies responsible for the hazard (``feed:<type>`` sources).
OFFICIAL_FEEDS = frozenset({"usgs", "gdacs", "gdacs_events", "ea_floods", "cap"})


def credibility_source(source: str) -> Source:
    """The credibility prior of a report's source: citizen, official feed, or social media."""
    if source == "citizen":
        return "citizen"
    kind = source.removeprefix("feed:")
    return "official_feed" if kind in OFFICIAL_FEEDS else "social"


def keep_out_reason(report: Report, classification: Classification) -> str | None:
    """Why a report should not open or grow an incident, or None.

    Only a report whose category triage decides, judged ``not_humanitarian`` with a confidence
    of at least :data:`NOT_HUMANITARIAN_CUTOFF`, and never one a responder restored. By source:
    a social post on the classifier's word; a citizen's report only when explicit lexicon
    terms (advertising, promotions) back it; an official feed's item never. A report kept out
    stays listed (``GET /v1/ops/reports?status=triaged``) with this reason, for a responder to
    restore (``POST /v1/ops/reports/{report_id}/restore``).
    """
    if report.category != Category.UNKNOWN or report.restored_at is not None:
        return None
    if not (
        classification.category == Category.NOT_HUMANITARIAN
        and classification.category_confidence >= NOT_HUMANITARIAN_CUTOFF
    ):
        return None
    source = credibility_source(report.source)
    if source == "official_feed":
        return None
    if source == "citizen" and not any(
        m.kind == "category" and m.label == Category.NOT_HUMANITARIAN for m in classification.matched_terms
    ):
        return None
    return "not_humanitarian"


def decide(report: Report, classification: Classification, candidates: list[Incident]) -> TriageDecision:
    """The pure part: what triage does with a classified report, given the incidents near it."""
    category = classification.category if report.category == Category.UNKNOWN else Category(report.category)
    hazard = classification.hazard
    reported_at = report.occurred_at or report.received_at
    match = choose_incident(report.location, hazard, reported_at, candidates)
    signals = CredibilitySignals(
        corroborating_reports=match.report_count if match else 0,
        corroborating_feed_items=match.feed_item_count if match else 0,
        has_media=bool(report.media),
        source=credibility_source(report.source),
        reporter_history=None,
        category_hazard_consistent=category_hazard_consistent(category, hazard),
        classifier_confidence=classification.category_confidence,
    )
    score = credibility(signals)
    kept_out = keep_out_reason(report, classification)
    if kept_out is not None:
        return TriageDecision(
            report.report_id,
            category,
            hazard,
            classification,
            score,
            None,
            ReportStatus.TRIAGED,
            kept_out,
        )
    joined = round(score.score, 3)
    now = clock.now()
    incident = (
        merge(match, report.location, report.people_affected, reported_at, credibility=joined, at=now)
        if match is not None
        else open_incident(
            ids.new_id(),
            hazard,
            category,
            report.location,
            report.people_affected,
            reported_at,
            credibility=joined,
            at=now,
        )
    )
    return TriageDecision(
        report.report_id, category, hazard, classification, score, incident, ReportStatus.LINKED
    )


def public_location(lat: float, lon: float) -> dict[str, float]:
    centre = geo.coarsen(geo.Point(lat, lon), PUBLIC_RESOLUTION)
    return {"lat": round(centre.lat, 4), "lon": round(centre.lon, 4)}


def incident_event(incident: Incident, kind: type[IncidentEvent] = IncidentUpdated) -> IncidentEvent:
    """``incident.opened`` / ``incident.updated`` (``kind``) of ``incident``: no personal data."""
    return kind(
        id=incident.incident_id,
        occurred_at=clock.iso(incident.updated_at),
        incident_id=incident.incident_id,
        version=incident.version,
        hazard=incident.hazard.value,
        category=incident.category.value,
        status=incident.status.value,
        severity=incident.severity.value,
        report_count=incident.report_count,
        people_affected=incident.people_affected,
        credibility=incident.credibility,
        location=Location(**public_location(incident.lat, incident.lon)),
        radius_km=round(incident.radius_km, 3),
    )


@dataclass(frozen=True)
class RetryPolicy:
    """In-process retries of a plan that lost a race: full jitter, doubling from ``base_s`` up to
    ``cap_s``, while ``time_left_s()`` allows. A race is never a reason to fail a record: only
    the time budget running out hands the reports back to the queue."""

    base_s: float = 0.02
    cap_s: float = 1.0
    #: Never more tries than this, whatever the time left.
    max_attempts: int = 50
    #: Stop retrying when less than this is left of the invocation (commit and answer in time).
    reserve_s: float = 3.0
    time_left_s: Callable[[], float] = lambda: float("inf")
    sleep: Callable[[float], None] = time.sleep

    def wait(self, attempt: int) -> bool:
        """Sleep before retry ``attempt`` (1, 2, ...); False when out of time or tries."""
        if attempt > self.max_attempts:
            return False
        delay = random.uniform(0, min(self.cap_s, self.base_s * 2 ** (attempt - 1)))  # noqa: S311
        if self.time_left_s() - delay < self.reserve_s:
            return False
        self.sleep(delay)
        return True


@dataclass
class BatchOutcome:
    """Per report: triaged (with its decision, None for a redelivery), or the error to fail its
    record with (left to the queue's retries and DLQ)."""

    decisions: dict[str, TriageDecision | None] = field(default_factory=dict)
    failures: dict[str, Exception] = field(default_factory=dict)
    #: Commits that lost a race and were retried in process (contention, not failures).
    retries: int = 0


def _announce(events: EventSink, incident: Incident, opened: bool) -> None:
    events.publish(incident_event(incident, IncidentOpened if opened else IncidentUpdated))


def plan_batch(
    reports: list[Report], classifications: dict[str, Classification], store: TriageStore
) -> list[IncidentPlan]:
    """Decide every report of a batch, in the order received, and group the writes by incident.

    A report sees the incidents stored around it and those the reports before it in the batch
    opened or grew, so one batch writes each incident once, whatever number of its reports.
    """
    plans: dict[str, IncidentPlan] = {}
    kept_out: list[IncidentPlan] = []
    #: Claims as the openings planned so far leave them (they commit in this order).
    claimed: dict[str, Claim] = {}
    neighbourhoods: dict[tuple[tuple[str, ...], datetime], Neighbourhood] = {}
    for report in sorted(reports, key=lambda r: (r.received_at, r.report_id)):
        classification = classifications[report.report_id]
        hazard = classification.hazard
        reported_at = report.occurred_at or report.received_at
        keys = hazard_cell_keys_around(hazard, report.location)
        since = reported_at - profile(hazard).window
        # Reports of one place share their neighbourhood: read it once per batch (the window
        # start is rounded down to the hour, so it reads a little more, never less).
        lookup = (tuple(keys), since.replace(minute=0, second=0, microsecond=0))
        if lookup not in neighbourhoods:
            neighbourhoods[lookup] = store.neighbourhood(keys, lookup[1])
        around = neighbourhoods[lookup]
        candidates = {c.incident_id: c for c in around.candidates}
        for incident_id, planned in plans.items():  # what this batch already did wins
            assert planned.incident is not None
            candidates[incident_id] = as_candidate(planned.incident)
        decision = decide(report, classification, list(candidates.values()))
        if decision.incident is None:
            kept_out.append(IncidentPlan(decisions=[(decision, report)]))
            continue
        incident_id = decision.incident.incident_id
        plan = plans.get(incident_id)
        if plan is None:
            plan = plans[incident_id] = IncidentPlan(
                decisions=[],
                claims={cell: claimed.get(cell, claim) for cell, claim in around.claims.items()}
                if decision.incident.expected_version == 0
                else {},
            )
            for cell, claim in plan.claims.items():
                claimed[cell] = claim.after_opening(incident_id)
        plan.decisions.append((decision, report))
        plan.incident = decision.incident
    return [*plans.values(), *kept_out]


def triage_batch(
    report_ids: list[str],
    *,
    store: TriageStore,
    classifier: Classifier,
    events: EventSink,
    retry: RetryPolicy | None = None,
) -> BatchOutcome:
    """Triage a batch of reports: classify each once, plan, commit one write per incident, and
    retry what lost a race (re-reading what changed) until it commits or time runs out."""
    retry = retry or RetryPolicy()
    outcome = BatchOutcome()
    try:
        reports = store.get_reports(report_ids)
    except Exception as error:  # an AWS error: every record is tried again by the queue
        outcome.failures.update(dict.fromkeys(report_ids, error))
        return outcome
    for report_id in report_ids:
        if report_id not in reports:
            outcome.failures[report_id] = ReportNotFound(report_id)
    pending: dict[str, Report] = {}
    for report_id, report in reports.items():
        if report.status == ReportStatus.RECEIVED:
            pending[report_id] = report
        else:
            # Redelivered after its commit: announce its incident again (at-least-once).
            if report.incident_id and (incident := store.incident(report.incident_id)):
                _announce(events, incident, opened=False)
            outcome.decisions[report_id] = None
    classifications = {
        report_id: classifier.classify(report.description, report.language)
        for report_id, report in pending.items()
    }
    attempt = 0
    while pending:
        lost = False
        try:
            plans = plan_batch(list(pending.values()), classifications, store)
        except Exception as error:  # the reads failed: what is left is tried again by the queue
            outcome.failures.update(dict.fromkeys(pending, error))
            break
        for plan in plans:
            try:
                store.commit(plan)
                if plan.incident is not None:
                    _announce(events, plan.incident, opened=plan.opens)
            except ReportsChanged as changed:
                lost = True
                reread = store.get_reports(changed.report_ids)
                for report_id in changed.report_ids:
                    again = reread.get(report_id)
                    if again is not None and again.status == ReportStatus.RECEIVED:
                        pending[report_id] = again  # changed otherwise (a newer version): retry
                    else:  # triaged by a redelivery of its message meanwhile: done
                        pending.pop(report_id, None)
                        outcome.decisions[report_id] = None
                continue
            except Conflict:
                lost = True
                continue
            except Exception as error:
                # Not a race (an AWS error, or the event bus after the commit): these records
                # fail alone and come back; a redelivery of a committed one announces it again.
                for report_id in plan.report_ids:
                    outcome.failures[report_id] = error
                    pending.pop(report_id, None)
                continue
            for decision, report in plan.decisions:
                outcome.decisions[report.report_id] = decision
                pending.pop(report.report_id, None)
        if not pending:
            break
        if lost:
            outcome.retries += 1
            attempt += 1
            if not retry.wait(attempt):
                for report_id in pending:
                    outcome.failures[report_id] = Conflict(
                        "out of time after losing races; retried by the queue"
                    )
                break
    return outcome
