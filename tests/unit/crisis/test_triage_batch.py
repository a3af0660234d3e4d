"""Triage of a batch through the in-memory triage store: which incident each report joins or
opens, the version each commit expects, and the retry of a commit that lost a race. No AWS."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from haven import clock, ids
from haven.crisis.classifier import Classification
from haven.crisis.clustering import severity
from haven.crisis.incident import Incident, IncidentStatus, Note
from haven.crisis.reports import Report, ReportStatus
from haven.crisis.taxonomy import Category, Hazard
from haven.crisis.triage import BatchOutcome, IncidentPlan, RetryPolicy, triage_batch
from haven.geo import Point
from tests.fakes import FakeEvents, FakeTriageStore

NOW = clock.now().replace(microsecond=0)
FLOOD = Classification(Category.INFRASTRUCTURE_AND_UTILITY_DAMAGE, 0.8, Hazard.FLOOD, 0.9, "en", (), "test")
NO_WAIT = RetryPolicy(sleep=lambda _: None)


class Floods:
    """A classifier that finds a flood in every report."""

    version = "test"

    def classify(self, text: str, language: str | None) -> Classification:
        return FLOOD


def _report(lat: float = 51.5, lon: float = -0.12, people: int | None = None, **changes: object) -> Report:
    report = Report(
        report_id=ids.new_id(),
        tracking_token_hash="0" * 64,
        status=ReportStatus.RECEIVED,
        source="citizen",
        category=Category.UNKNOWN.value,
        description="the river is over the road",
        location=Point(lat, lon),
        cell="87000000000ffff",
        received_at=NOW,
        expires_at=NOW + timedelta(days=30),
        people_affected=people,
        version=1,
    )
    return replace(report, **changes)


def _stored(version: int = 4, **changes: object) -> Incident:
    incident = Incident(
        incident_id=ids.new_id(),
        version=version,
        hazard=Hazard.FLOOD,
        category=Category.INFRASTRUCTURE_AND_UTILITY_DAMAGE,
        status=IncidentStatus.VERIFIED,
        severity=severity(3, 0, Hazard.FLOOD),
        lat=51.5,
        lon=-0.12,
        radius_km=0.5,
        report_count=3,
        people_affected=0,
        credibility=0.5,
        opened_at=NOW - timedelta(hours=2),
        last_report_at=NOW - timedelta(hours=1),
        updated_at=NOW - timedelta(hours=1),
        assignee="responder-1",
        notes=(Note(NOW - timedelta(hours=1), "responder-1", "on our way"),),
    )
    return replace(incident, **changes)


def _triage(store: FakeTriageStore, events: FakeEvents, *reports: Report) -> BatchOutcome:
    return triage_batch(
        [r.report_id for r in reports], store=store, classifier=Floods(), events=events, retry=NO_WAIT
    )


def test_nearby_reports_of_one_batch_open_one_incident_in_one_commit() -> None:
    reports = [_report(51.5 + d, people=10) for d in (0.0, 0.005, 0.01)]
    store, events = FakeTriageStore(*reports), FakeEvents()
    outcome = _triage(store, events, *reports)
    assert outcome.failures == {}
    [incident] = store.incidents.values()
    assert (incident.version, incident.report_count, incident.people_affected) == (1, 3, 30)
    assert incident.status is IncidentStatus.NEW
    assert len(store.commits) == 1
    assert {store.reports[r.report_id].incident_id for r in reports} == {incident.incident_id}
    assert all(incident.incident_id in claim.incident_ids for claim in store.claims.values())
    [(_, detail_type, detail)] = events.published
    assert (detail_type, detail["version"], detail["report_count"]) == ("incident.opened", 1, 3)


def test_a_report_joins_the_stored_incident_at_the_next_version_keeping_what_responders_wrote() -> None:
    stored, report = _stored(), _report(51.501, people=5)
    store, events = FakeTriageStore(report, incidents=(stored,)), FakeEvents()
    _triage(store, events, report)
    after = store.incidents[stored.incident_id]
    assert (after.version, after.report_count, after.people_affected) == (5, 4, 5)
    assert (after.status, after.assignee, after.notes) == (stored.status, stored.assignee, stored.notes)
    assert after.opened_at == stored.opened_at
    assert after.updated_at > stored.updated_at
    assert store.commits[0].incident == after  # what clustering decided is what was written
    [(_, detail_type, detail)] = events.published
    assert (detail_type, detail["version"], detail["status"]) == ("incident.updated", 5, "verified")


def test_a_far_report_or_a_closed_incident_opens_another() -> None:
    closed = _stored(status=IncidentStatus.RESOLVED)
    far, near = _report(48.85, 2.35), _report(51.5, -0.12)
    store, events = FakeTriageStore(far, near, incidents=(closed,)), FakeEvents()
    _triage(store, events, far, near)
    opened = [i for i in store.incidents.values() if i.incident_id != closed.incident_id]
    assert sorted(i.report_count for i in opened) == [1, 1]
    assert store.incidents[closed.incident_id] == closed
    assert [t for _, t, _ in events.published] == ["incident.opened", "incident.opened"]


class RivalWritesFirst(FakeTriageStore):
    """Another worker grows the incident between this one's read and its commit, once."""

    def __init__(self, *reports: Report, incidents: tuple[Incident, ...]) -> None:
        super().__init__(*reports, incidents=incidents)
        self.raced = False

    def commit(self, plan: IncidentPlan) -> None:
        if not self.raced:
            self.raced = True
            [(incident_id, current)] = self.incidents.items()
            self.incidents[incident_id] = replace(current, version=current.version + 1, report_count=10)
        super().commit(plan)


def test_a_commit_that_lost_a_race_is_planned_again_on_what_the_winner_wrote() -> None:
    stored, report = _stored(version=2), _report(51.501)
    store, events = RivalWritesFirst(report, incidents=(stored,)), FakeEvents()
    outcome = _triage(store, events, report)
    assert (outcome.retries, outcome.failures) == (1, {})
    after = store.incidents[stored.incident_id]
    assert (after.version, after.report_count) == (4, 11)  # over the rival's version 3
    assert [e["version"] for _, _, e in events.published] == [4]


def test_a_report_triaged_meanwhile_is_done_and_a_redelivery_announces_its_incident_again() -> None:
    stored = _stored()
    linked = _report(status=ReportStatus.LINKED, incident_id=stored.incident_id)
    store, events = FakeTriageStore(linked, incidents=(stored,)), FakeEvents()
    outcome = _triage(store, events, linked)
    assert outcome.decisions == {linked.report_id: None}
    assert store.commits == []
    [(_, detail_type, detail)] = events.published
    assert (detail_type, detail["version"]) == ("incident.updated", stored.version)


def test_out_of_time_after_losing_races_fails_the_records_for_the_queue() -> None:
    class AlwaysRaced(FakeTriageStore):
        def commit(self, plan: IncidentPlan) -> None:
            for incident_id, current in self.incidents.items():
                self.incidents[incident_id] = replace(current, version=current.version + 1)
            super().commit(plan)

    stored, report = _stored(), _report(51.501)
    store, events = AlwaysRaced(report, incidents=(stored,)), FakeEvents()
    outcome = triage_batch(
        [report.report_id],
        store=store,
        classifier=Floods(),
        events=events,
        retry=RetryPolicy(max_attempts=2, sleep=lambda _: None),
    )
    assert list(outcome.failures) == [report.report_id]
    assert events.published == []
    assert store.reports[report.report_id].status is ReportStatus.RECEIVED
