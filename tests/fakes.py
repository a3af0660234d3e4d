"""In-memory fakes of the domain's ports, for unit tests of the pure core without moto.

Each fake keeps the one rule of its port that the use cases rely on (an update with a stale
version raises :class:`haven.kernel.StaleVersion` with the current state) and nothing else.
"""

from __future__ import annotations

import copy
from typing import Any

from haven.events import Event
from haven.kernel import Page, StaleVersion


class FakeIncidents:
    """:class:`haven.crisis.incidents.IncidentRepository` in memory."""

    def __init__(self, *incidents: dict[str, Any]) -> None:
        self.items: dict[str, dict[str, Any]] = {i["incident_id"]: copy.deepcopy(i) for i in incidents}

    def page_by_status(self, status: str, limit: int, position: dict[str, Any] | None) -> Page:
        ordered = sorted(
            (i for i in self.items.values() if i["status"] == status),
            key=lambda i: (i["updated_at"], i["incident_id"]),
            reverse=True,
        )
        start = int(position["offset"]) if position else 0
        chunk = ordered[start : start + limit]
        more = {"offset": start + limit} if start + limit < len(ordered) else None
        return Page([copy.deepcopy(i) for i in chunk], more)

    def get(self, incident_id: str) -> dict[str, Any] | None:
        found = self.items.get(incident_id)
        return copy.deepcopy(found) if found else None

    def reports_of(self, incident_id: str, limit: int) -> list[dict[str, Any]]:
        return []

    def update(self, incident_id: str, expected_version: int, changes: dict[str, Any]) -> dict[str, Any]:
        current = self.items.get(incident_id)
        if current is None or current["version"] != expected_version:
            raise StaleVersion(copy.deepcopy(current))
        current.update(copy.deepcopy(changes))
        current["version"] = expected_version + 1
        return copy.deepcopy(current)


class FakeEvents:
    """An :class:`haven.events.EventSink` that records what was published: (domain,
    detail-type, detail) of each event."""

    def __init__(self) -> None:
        self.published: list[tuple[str, str, dict[str, Any]]] = []

    def publish(self, event: Event) -> None:
        self.published.append((event.domain, event.detail_type, event.detail()))
