"""Displacement aggregation: contributions, suppression, CSV, countries."""

from __future__ import annotations

from datetime import date

import pytest

from haven.errors import Conflict, ValidationFailed
from haven.events.crisis import IncidentUpdated, Location
from haven.evidence import displacement
from haven.evidence.countries import country_of
from haven.evidence.displacement import Applied, Contribution


class MemoryStore:
    def __init__(self) -> None:
        self.contributions: dict[str, Applied] = {}
        self.cells_: dict[tuple[str, str, str], list[int]] = {}

    def applied(self, incident_id: str) -> Applied | None:
        return self.contributions.get(incident_id)

    def apply(self, incident_id: str, previous: Applied | None, new: Applied) -> None:
        if self.contributions.get(incident_id) != previous:
            raise Conflict("raced")
        for contribution, sign in (
            (new.contribution, 1),
            *(((previous.contribution, -1),) if previous else ()),
        ):
            key = (contribution.month, contribution.hazard, contribution.country)
            cell = self.cells_.setdefault(key, [0, 0, 0])
            for i, value in enumerate(contribution.counts):
                cell[i] += sign * value
        self.contributions[incident_id] = new

    def cells(self, month: str) -> list[Contribution]:
        return [Contribution(m, h, c, *v) for (m, h, c), v in self.cells_.items() if m == month]


def _event(version: int, reports: int, people: int, status: str = "new") -> IncidentUpdated:
    return IncidentUpdated(
        id="I1",
        occurred_at="2026-03-04T10:00:00Z",
        incident_id="I1",
        version=version,
        hazard="flood",
        category="displaced_people_and_evacuations",
        status=status,
        severity="Moderate",
        report_count=reports,
        people_affected=people,
        credibility=0.5,
        location=Location(lat=48.85, lon=2.35),
        radius_km=1.0,
    )


def test_newer_versions_replace_older_ones_and_duplicates_change_nothing() -> None:
    store = MemoryStore()
    assert displacement.record_incident(_event(1, 1, 10), store=store, locate=country_of)
    assert displacement.record_incident(_event(3, 6, 40), store=store, locate=country_of)
    assert not displacement.record_incident(_event(2, 3, 20), store=store, locate=country_of)  # older
    assert not displacement.record_incident(_event(3, 6, 40), store=store, locate=country_of)  # again
    assert store.cells_ == {("2026-03", "flood", "FRA"): [1, 6, 40]}
    displacement.record_incident(_event(4, 6, 40, status="dismissed"), store=store, locate=country_of)
    assert store.cells_ == {("2026-03", "flood", "FRA"): [0, 0, 0]}


def test_groups_under_the_minimum_are_suppressed_after_summing() -> None:
    store = MemoryStore()
    store.cells_ = {
        ("2026-01", "flood", "FRA"): [1, 3, 30],
        ("2026-02", "flood", "FRA"): [1, 2, 5],
        ("2026-02", "storm", "ESP"): [0, 0, 0],
    }
    by_month = displacement.displacement(
        date(2026, 1, 1), date(2026, 2, 1), ["month"], store=store, min_reports=5
    )
    assert [r["suppressed"] for r in by_month] == [True, True]
    assert by_month[0]["reports"] is None
    by_country = displacement.displacement(
        date(2026, 1, 1), date(2026, 2, 1), ["country"], store=store, min_reports=5
    )
    assert by_country == [
        {"country": "FRA", "incidents": 2, "reports": 5, "people_displaced": 35, "suppressed": False}
    ]


def test_months_are_bounded() -> None:
    assert displacement.months(date(2025, 11, 1), date(2026, 2, 1)) == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
    with pytest.raises(ValidationFailed):
        displacement.months(date(2020, 1, 1), date(2026, 1, 1))


@pytest.mark.parametrize(
    ("lat", "lon", "iso3"),
    [
        (51.5, -0.12, "GBR"),
        (48.85, 2.35, "FRA"),
        (-1.29, 36.82, "KEN"),
        (35.68, 139.7, "JPN"),
        (-33.9, 151.2, "AUS"),
    ],
)
def test_country_of_a_point_is_approximately_right(lat: float, lon: float, iso3: str) -> None:
    assert country_of(lat, lon) == iso3
