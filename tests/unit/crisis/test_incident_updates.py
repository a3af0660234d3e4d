"""Incident updates through the in-memory fakes: the new state, optimistic locking and the event,
no AWS."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from haven import clock
from haven.auth import Principal, Role
from haven.crisis.incident import Change, Incident, IncidentStatus, Note, Severity, Transition
from haven.crisis.incidents import MAX_NOTES, incident_view, update_incident
from haven.crisis.taxonomy import Category, Hazard
from haven.errors import Conflict, NotFound, ValidationFailed
from tests.fakes import FakeEvents, FakeIncidents

RESPONDER = Principal("responder-1", frozenset({Role.RESPONDER}))
OPENED = datetime(2026, 1, 1, tzinfo=UTC)


def _incident(version: int = 3, **changes: object) -> Incident:
    incident = Incident(
        incident_id="inc-1",
        version=version,
        hazard=Hazard.FLOOD,
        category=Category.INFRASTRUCTURE_AND_UTILITY_DAMAGE,
        status=IncidentStatus.NEW,
        severity=Severity.MINOR,
        lat=51.5,
        lon=-0.1,
        radius_km=1.0,
        report_count=1,
        people_affected=0,
        credibility=0.5,
        opened_at=OPENED,
        last_report_at=OPENED,
        updated_at=OPENED,
    )
    return replace(incident, **changes)


def _update(
    store: FakeIncidents,
    events: FakeEvents,
    version: int,
    status: IncidentStatus | None = None,
    assignee: str | None = None,
    note: str | None = None,
) -> Incident:
    return update_incident(
        "inc-1",
        expected_version=version,
        status=status,
        assignee=assignee,
        note=note,
        actor=RESPONDER,
        incidents=store,
        events=events,
    )


def test_update_with_the_read_version_returns_and_stores_the_next_version() -> None:
    store, events = FakeIncidents(_incident()), FakeEvents()
    updated = _update(store, events, 3, status=IncidentStatus.VERIFIED, note="seen by the team")
    assert store.items["inc-1"] == updated
    assert updated.version == 4
    assert updated.status is IncidentStatus.VERIFIED
    [change] = updated.history
    assert change.status == Transition(IncidentStatus.NEW, IncidentStatus.VERIFIED)
    assert (change.by, change.note, change.assignee) == ("responder-1", True, None)
    assert [n.text for n in updated.notes] == ["seen by the team"]
    assert updated.updated_at == change.at == updated.notes[0].at
    assert [(d, t, e["version"], e["status"]) for d, t, e in events.published] == [
        ("crisis", "incident.updated", 4, "verified")
    ]


def test_assigning_records_the_previous_assignee_and_an_empty_one_unassigns() -> None:
    store, events = FakeIncidents(_incident(assignee="responder-2")), FakeEvents()
    assigned = _update(store, events, 3, assignee="responder-3")
    assert assigned.assignee == "responder-3"
    assert assigned.history[-1].assignee == Transition("responder-2", "responder-3")
    unassigned = _update(store, events, 4, assignee="")
    assert unassigned.assignee is None
    assert unassigned.history[-1].assignee == Transition("responder-3", None)


def test_the_same_status_is_no_change_but_still_a_version() -> None:
    store, events = FakeIncidents(_incident()), FakeEvents()
    same = _update(store, events, 3, status=IncidentStatus.NEW)
    assert same.version == 4
    assert same.history[-1].status is None


def test_a_stale_version_is_a_conflict_and_changes_nothing() -> None:
    before = _incident(version=5)
    store, events = FakeIncidents(before), FakeEvents()
    with pytest.raises(Conflict) as conflict:
        _update(store, events, 4, status=IncidentStatus.DISMISSED)
    assert conflict.value.extensions == {"current_version": 5, "current_status": "new"}
    assert store.items["inc-1"] == before
    assert events.published == []


def test_a_lost_race_in_the_store_is_a_conflict_with_the_winner() -> None:
    store, events = FakeIncidents(_incident()), FakeEvents()
    real_get = store.get

    def get_then_someone_else_writes(incident_id: str) -> Incident | None:
        read = real_get(incident_id)
        store.items[incident_id] = _incident(version=4, status=IncidentStatus.VERIFIED)
        return read

    store.get = get_then_someone_else_writes  # type: ignore[method-assign]
    with pytest.raises(Conflict) as conflict:
        _update(store, events, 3, assignee="responder-2")
    assert conflict.value.extensions == {"current_version": 4, "current_status": "verified"}
    assert store.items["inc-1"].assignee is None
    assert events.published == []


def test_nothing_to_change_too_many_notes_and_unknown_incident_are_refused() -> None:
    full = tuple(Note(OPENED, "r", f"note {n}") for n in range(MAX_NOTES))
    store, events = FakeIncidents(_incident(notes=full)), FakeEvents()
    with pytest.raises(ValidationFailed):
        _update(store, events, 3)
    with pytest.raises(ValidationFailed):
        _update(store, events, 3, note="one too many")
    with pytest.raises(NotFound):
        update_incident(
            "nope",
            expected_version=1,
            status=IncidentStatus.VERIFIED,
            assignee=None,
            note=None,
            actor=RESPONDER,
            incidents=store,
            events=events,
        )
    assert store.items["inc-1"].version == 3


def test_the_view_is_the_stored_shape() -> None:
    change = Change(OPENED, "r", status=Transition(IncidentStatus.NEW, IncidentStatus.VERIFIED), note=True)
    view = incident_view(_incident(notes=(Note(OPENED, "r", "hi"),), history=(change,)))
    assert view["notes"] == [{"at": "2026-01-01T00:00:00Z", "by": "r", "text": "hi"}]
    assert view["history"] == [
        {"at": "2026-01-01T00:00:00Z", "by": "r", "status": {"from": "new", "to": "verified"}, "note": True}
    ]
    assert Change.from_dict(view["history"][0]) == change
    assert (view["opened_at"], view["last_report_at"]) == (clock.iso(OPENED), "2026-01-01T00:00:00+00:00")
    assert (view["hazard"], view["status"], view["severity"]) == ("flood", "new", "Minor")


def test_the_fake_pages_newest_first() -> None:
    older, newer = _incident(), _incident(incident_id="inc-2", updated_at=datetime(2026, 2, 1, tzinfo=UTC))
    store = FakeIncidents(older, newer)
    first = store.page_by_status("new", 1, None)
    assert [i.incident_id for i in first.items] == ["inc-2"]
    second = store.page_by_status("new", 1, first.position)
    assert [i.incident_id for i in second.items] == ["inc-1"]
    assert second.position is None
