"""Incident updates through the in-memory fakes: optimistic locking and the event, no AWS."""

from __future__ import annotations

from typing import Any

import pytest

from haven.auth import Principal, Role
from haven.crisis.incidents import IncidentStatus, update_incident
from haven.errors import Conflict, NotFound, ValidationFailed
from tests.fakes import FakeEvents, FakeIncidents

RESPONDER = Principal("responder-1", frozenset({Role.RESPONDER}))


def _incident(version: int = 3) -> dict[str, Any]:
    return {
        "incident_id": "inc-1",
        "version": version,
        "status": "new",
        "hazard": "flood",
        "category": "natural",
        "credibility": 0.5,
        "severity": "Minor",
        "report_count": 1,
        "people_affected": 0,
        "lat": 51.5,
        "lon": -0.1,
        "radius_km": 1.0,
        "updated_at": "2026-01-01T00:00:00+00:00",
        "notes": [],
        "history": [],
    }


def _update(
    store: FakeIncidents,
    events: FakeEvents,
    version: int,
    status: IncidentStatus | None = None,
    assignee: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
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


def test_update_with_the_read_version_applies_and_announces() -> None:
    store, events = FakeIncidents(_incident()), FakeEvents()
    updated = _update(store, events, 3, status=IncidentStatus.VERIFIED, note="seen by the team")
    assert updated["version"] == 4
    assert updated["status"] == "verified"
    assert updated["history"][-1]["status"] == {"from": "new", "to": "verified"}
    assert [n["text"] for n in updated["notes"]] == ["seen by the team"]
    assert [(d, t, e["version"]) for d, t, e in events.published] == [("crisis", "incident.updated", 4)]


def test_a_stale_version_is_a_conflict_and_changes_nothing() -> None:
    store, events = FakeIncidents(_incident(version=5)), FakeEvents()
    with pytest.raises(Conflict):
        _update(store, events, 4, status=IncidentStatus.DISMISSED)
    assert store.items["inc-1"]["status"] == "new"
    assert store.items["inc-1"]["version"] == 5
    assert events.published == []


def test_a_lost_race_in_the_store_is_a_conflict() -> None:
    store, events = FakeIncidents(_incident()), FakeEvents()
    real_get = store.get

    def get_then_someone_else_writes(incident_id: str) -> dict[str, Any] | None:
        read = real_get(incident_id)
        store.items[incident_id]["version"] += 1
        return read

    store.get = get_then_someone_else_writes  # type: ignore[method-assign]
    with pytest.raises(Conflict):
        _update(store, events, 3, assignee="responder-2")
    assert events.published == []


def test_nothing_to_change_and_unknown_incident_are_refused() -> None:
    store, events = FakeIncidents(_incident()), FakeEvents()
    with pytest.raises(ValidationFailed):
        _update(store, events, 3)
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


def test_the_fake_pages_newest_first() -> None:
    older, newer = (
        _incident(),
        _incident() | {"incident_id": "inc-2", "updated_at": "2026-02-01T00:00:00+00:00"},
    )
    store = FakeIncidents(older, newer)
    first = store.page_by_status("new", 1, None)
    assert [i["incident_id"] for i in first.items] == ["inc-2"]
    second = store.page_by_status("new", 1, first.position)
    assert [i["incident_id"] for i in second.items] == ["inc-1"]
    assert second.position is None
