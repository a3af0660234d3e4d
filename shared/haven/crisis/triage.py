"""Triage of one report: classify, score, cluster into an incident, announce it.

Runs in the triage worker for each message of the intake queue. Redelivery is harmless: a
report is triaged once (the commit is conditional on it not being triaged yet); a redelivered
message for a triaged report only announces its incident again (events are at-least-once,
identified by incident id and version).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from haven import clock, geo, ids
from haven.crisis.classifier import Classification, Classifier
from haven.crisis.clustering import (
    IncidentSnapshot,
    IncidentUpdate,
    choose_incident,
    merge,
    open_incident,
)
from haven.crisis.credibility import (
    Credibility,
    CredibilitySignals,
    Source,
    category_hazard_consistent,
    credibility,
)
from haven.crisis.reports import Report, ReportStatus
from haven.crisis.taxonomy import Category, Hazard, hazard_cell_keys_around, profile

#: A report the classifier is this sure is not humanitarian is kept out of incidents.
NOT_HUMANITARIAN_CUTOFF = 0.7
#: Incidents are shown to the public with coordinates coarsened to this H3 resolution (~1 km).
PUBLIC_RESOLUTION = 8


class ReportNotFound(Exception):
    """The message names a report that does not exist (malformed or expired): dead-letter it."""


@dataclass(frozen=True)
class Candidate:
    snapshot: IncidentSnapshot
    version: int
    credibility: float
    feed_item_count: int


@dataclass(frozen=True)
class TriageDecision:
    report_id: str
    category: Category
    hazard: Hazard
    classification: Classification
    credibility: Credibility
    incident: IncidentUpdate | None
    incident_version: int | None  # the version the update expects; None when opened
    status: ReportStatus

    def triage_record(self) -> dict[str, Any]:
        return {
            "classification": self.classification.to_dict(),
            "credibility": self.credibility.to_dict(),
            "triaged_at": clock.iso(clock.now()),
        }


class TriageStore(Protocol):
    def get_report(self, report_id: str) -> Report | None: ...

    def candidates(self, hazard_cell_keys: list[str], since: datetime) -> list[Candidate]: ...

    def commit(self, decision: TriageDecision, report: Report) -> dict[str, Any] | None:
        """Apply the decision atomically; the incident's new state, or None if unlinked.

        Raises :class:`~haven.errors.Conflict` when the report was triaged meanwhile or the
        incident changed since it was read (the message is retried).
        """
        ...

    def incident(self, incident_id: str) -> dict[str, Any] | None: ...


class EventSink(Protocol):
    def publish(self, domain: str, detail_type: str, detail: dict[str, Any]) -> None: ...


#: Feed types published by the agencies responsible for the hazard (``feed:<type>`` sources).
OFFICIAL_FEEDS = frozenset({"usgs", "gdacs", "gdacs_events", "ea_floods", "cap"})


def credibility_source(source: str) -> Source:
    """The credibility prior of a report's source: citizen, official feed, or social media."""
    if source == "citizen":
        return "citizen"
    kind = source.removeprefix("feed:")
    return "official_feed" if kind in OFFICIAL_FEEDS else "social"


def decide(report: Report, classification: Classification, candidates: list[Candidate]) -> TriageDecision:
    """The pure part: what triage does with a classified report, given the incidents near it."""
    category = classification.category if report.category == Category.UNKNOWN else Category(report.category)
    hazard = classification.hazard
    reported_at = report.occurred_at or report.received_at
    chosen = choose_incident(report.location, hazard, reported_at, [c.snapshot for c in candidates])
    match = next((c for c in candidates if chosen and c.snapshot.incident_id == chosen.incident_id), None)
    signals = CredibilitySignals(
        corroborating_reports=match.snapshot.report_count if match else 0,
        corroborating_feed_items=match.feed_item_count if match else 0,
        has_media=bool(report.media),
        source=credibility_source(report.source),
        reporter_history=None,
        category_hazard_consistent=category_hazard_consistent(category, hazard),
        classifier_confidence=classification.category_confidence,
    )
    score = credibility(signals)
    kept_out = (
        classification.category == Category.NOT_HUMANITARIAN
        and classification.category_confidence >= NOT_HUMANITARIAN_CUTOFF
        and report.category == Category.UNKNOWN
    )
    if kept_out:
        return TriageDecision(
            report.report_id,
            category,
            hazard,
            classification,
            score,
            None,
            None,
            ReportStatus.TRIAGED,
        )
    if match is not None:
        update = merge(match.snapshot, report.location, report.people_affected, reported_at)
        version: int | None = match.version
    else:
        update = open_incident(ids.new_id(), hazard, report.location, report.people_affected, reported_at)
        version = None
    return TriageDecision(
        report.report_id,
        category,
        hazard,
        classification,
        score,
        update,
        version,
        ReportStatus.LINKED,
    )


def public_location(lat: float, lon: float) -> dict[str, float]:
    centre = geo.coarsen(geo.Point(lat, lon), PUBLIC_RESOLUTION)
    return {"lat": round(centre.lat, 4), "lon": round(centre.lon, 4)}


def incident_event(incident: dict[str, Any]) -> dict[str, Any]:
    """The detail of ``incident.opened`` / ``incident.updated``: no personal data."""
    return {
        "id": incident["incident_id"],
        "occurred_at": incident["updated_at"],
        "schema_version": "1",
        "incident_id": incident["incident_id"],
        "version": incident["version"],
        "hazard": incident["hazard"],
        "category": incident["category"],
        "status": incident["status"],
        "severity": incident["severity"],
        "report_count": incident["report_count"],
        "people_affected": incident["people_affected"],
        "credibility": incident["credibility"],
        "location": public_location(incident["lat"], incident["lon"]),
        "radius_km": round(incident["radius_km"], 3),
    }


def triage_report(
    report_id: str, *, store: TriageStore, classifier: Classifier, events: EventSink
) -> TriageDecision | None:
    report = store.get_report(report_id)
    if report is None:
        raise ReportNotFound(report_id)
    if report.status != ReportStatus.RECEIVED:
        # Redelivered after the commit: announce the incident again (at-least-once).
        if report.incident_id and (incident := store.incident(report.incident_id)):
            events.publish("crisis", "incident.updated", incident_event(incident))
        return None
    classification = classifier.classify(report.description, report.language)
    hazard = classification.hazard
    reported_at = report.occurred_at or report.received_at
    candidates = store.candidates(
        hazard_cell_keys_around(hazard, report.location), reported_at - profile(hazard).window
    )
    decision = decide(report, classification, candidates)
    incident = store.commit(decision, report)
    if incident is not None and decision.incident is not None:
        kind = "incident.opened" if decision.incident.opened else "incident.updated"
        events.publish("crisis", kind, incident_event(incident))
    return decision
