from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from haven.crisis.clustering import (
    Severity,
    as_candidate,
    choose_incident,
    merge,
    open_incident,
    running_centroid,
    severity,
)
from haven.crisis.incident import Incident, IncidentStatus
from haven.crisis.taxonomy import Category, Hazard, hazard_cell_key, hazard_cell_keys_around, profile
from haven.geo import Point, distance_km

Destination = Callable[[Point, float, float], Point]

T0 = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
#: When the clustering decisions are made (the commit's ``updated_at``).
NOW = T0 + timedelta(hours=3)


def incident(
    incident_id: str = "inc-1",
    hazard: Hazard = Hazard.FLOOD,
    lat: float = 10.0,
    lon: float = 20.0,
    *,
    last: datetime = T0,
    count: int = 1,
    people: int = 0,
    radius: float = 0.0,
    version: int = 3,
) -> Incident:
    return Incident(
        incident_id=incident_id,
        version=version,
        hazard=hazard,
        category=Category.INFRASTRUCTURE_AND_UTILITY_DAMAGE,
        status=IncidentStatus.NEW,
        severity=severity(count, people, hazard),
        lat=lat,
        lon=lon,
        radius_km=radius,
        report_count=count,
        people_affected=people,
        credibility=0.4,
        opened_at=T0,
        last_report_at=last,
        updated_at=T0,
    )


def join(inc: Incident, point: Point, people: int | None, reported_at: datetime) -> Incident:
    return merge(inc, point, people, reported_at, credibility=0.7, at=NOW)


def opened(incident_id: str, hazard: Hazard, point: Point, people: int | None, at: datetime) -> Incident:
    return open_incident(
        incident_id,
        hazard,
        Category.INFRASTRUCTURE_AND_UTILITY_DAMAGE,
        point,
        people,
        at,
        credibility=0.6,
        at=NOW,
    )


def test_antimeridian_reports_cluster() -> None:
    east = incident(lat=10.0, lon=179.99)
    report = Point(10.0, -179.99)
    assert distance_km(report, east.centroid) < 3
    assert choose_incident(report, Hazard.FLOOD, T0, [east]) == east
    # and the H3 lookup finds it
    assert hazard_cell_key(Hazard.FLOOD, east.centroid) in hazard_cell_keys_around(Hazard.FLOOD, report)
    update = join(east, report, None, T0)
    assert abs(update.lon) > 179.9  # not averaged to longitude 0
    assert update.lat == pytest.approx(10.0, abs=1e-3)
    assert update.radius_km < 2


def test_near_the_pole() -> None:
    north = incident(lat=89.99, lon=0.0)
    report = Point(89.99, 180.0)  # across the pole, ~2.2 km away
    assert choose_incident(report, Hazard.FLOOD, T0, [north]) == north
    assert hazard_cell_key(Hazard.FLOOD, north.centroid) in hazard_cell_keys_around(Hazard.FLOOD, report)
    update = join(north, report, None, T0)
    assert update.lat > 89.99
    assert update.radius_km == pytest.approx(distance_km(update.centroid, report))
    far = Point(89.0, 90.0)  # ~111 km
    assert choose_incident(far, Hazard.FLOOD, T0, [north]) is None


def test_different_hazards_never_merge() -> None:
    flood = incident("flood", Hazard.FLOOD)
    for hazard in Hazard:
        if hazard is not Hazard.FLOOD:
            assert choose_incident(flood.centroid, hazard, T0, [flood]) is None
    assert choose_incident(flood.centroid, Hazard.FLOOD, T0, [flood]) == flood
    fire = incident("fire", Hazard.FIRE)
    assert choose_incident(fire.centroid, Hazard.FIRE, T0, [flood, fire]) == fire


@pytest.mark.parametrize("hazard", list(Hazard))
def test_time_window(hazard: Hazard) -> None:
    window = profile(hazard).window
    inc = incident(hazard=hazard)
    p = inc.centroid
    assert choose_incident(p, hazard, T0 + window, [inc]) == inc
    assert choose_incident(p, hazard, T0 - window, [inc]) == inc  # a late-arriving report
    assert choose_incident(p, hazard, T0 + window + timedelta(seconds=1), [inc]) is None
    assert choose_incident(p, hazard, T0 - window - timedelta(seconds=1), [inc]) is None


@pytest.mark.parametrize("hazard", list(Hazard))
def test_radius_boundary(hazard: Hazard, destination: Destination) -> None:
    radius = profile(hazard).radius_km
    inc = incident(hazard=hazard, lat=-33.9, lon=18.4)
    for bearing in (0.0, 90.0, 225.0):
        inside = destination(inc.centroid, bearing, radius * 0.999)
        outside = destination(inc.centroid, bearing, radius * 1.001)
        assert choose_incident(inside, hazard, T0, [inc]) == inc
        assert choose_incident(outside, hazard, T0, [inc]) is None


def test_nearest_wins_then_most_reports() -> None:
    report = Point(10.0, 20.0)
    near = incident("near", lat=10.01, lon=20.0)
    far = incident("far", lat=10.05, lon=20.0, count=40)
    assert choose_incident(report, Hazard.FLOOD, T0, [far, near]) == near
    assert choose_incident(report, Hazard.FLOOD, T0, [near, far]) == near
    a = incident("a", lat=10.02, lon=20.0, count=3)
    b = incident("b", lat=9.98, lon=20.0, count=7)
    assert distance_km(report, a.centroid) == pytest.approx(distance_km(report, b.centroid))
    twin_a = replace(a, lat=10.0, lon=20.01)
    twin_b = replace(b, lat=10.0, lon=20.01)
    assert choose_incident(report, Hazard.FLOOD, T0, [twin_a, twin_b]) == twin_b
    assert choose_incident(report, Hazard.FLOOD, T0, [twin_b, twin_a]) == twin_b
    assert choose_incident(report, Hazard.FLOOD, T0, []) is None


def test_lookup_keys_find_every_qualifying_incident(destination: Destination) -> None:
    rng = random.Random(7)
    for hazard in Hazard:
        radius = profile(hazard).radius_km
        for _ in range(200):
            report = Point(rng.uniform(-80, 80), rng.uniform(-180, 180))
            centre = destination(report, rng.uniform(0, 360), radius * rng.uniform(0, 0.999))
            assert hazard_cell_key(hazard, centre) in hazard_cell_keys_around(hazard, report)


def test_merge_updates_everything() -> None:
    inc = incident(lat=10.0, lon=20.0, count=1, people=4, radius=0.0)
    report = Point(10.0, 20.05)
    later = T0 + timedelta(hours=2)
    update = join(inc, report, 6, later)
    assert update.incident_id == inc.incident_id
    assert (update.version, update.expected_version) == (4, 3)  # written over the version read
    assert update.report_count == 2
    assert update.people_affected == 10
    assert inc.severity is Severity.MINOR
    assert update.severity is Severity.MODERATE
    assert update.last_report_at == later
    assert (update.credibility, update.updated_at, update.opened_at) == (0.7, NOW, T0)
    assert (update.status, update.category) == (inc.status, inc.category)  # responders' fields kept
    assert update.lat == pytest.approx(10.0, abs=1e-3)
    assert update.lon == pytest.approx(20.025, abs=1e-4)  # the midpoint of two reports
    assert update.radius_km == pytest.approx(distance_km(Point(update.lat, update.lon), report))
    assert inc.cell_key == hazard_cell_key(Hazard.FLOOD, Point(10.0, 20.0))
    assert update.cell_key == hazard_cell_key(Hazard.FLOOD, Point(update.lat, update.lon))


def test_merge_keeps_the_larger_radius_and_the_later_time() -> None:
    inc = incident(count=5, radius=8.0, last=T0)
    update = join(inc, inc.centroid, None, T0 - timedelta(hours=1))
    assert update.radius_km == 8.0
    assert update.last_report_at == T0
    assert update.people_affected == inc.people_affected
    assert update.report_count == 6
    assert update.severity is Severity.MODERATE  # 6 reports


def test_running_centroid_weights_by_count() -> None:
    a = Point(0.0, 0.0)
    mean = running_centroid(a, 3, Point(0.0, 4.0))
    assert mean.lon == pytest.approx(1.0, abs=0.01)
    alone = running_centroid(a, 0, Point(5.0, 6.0))
    assert (alone.lat, alone.lon) == pytest.approx((5.0, 6.0))
    antipode = running_centroid(Point(0.0, 0.0), 1, Point(0.0, 180.0))
    assert antipode == Point(0.0, 0.0)


def test_merge_sequence_across_the_antimeridian(destination: Destination) -> None:
    centre = Point(-17.0, 180.0)
    current = opened("x", Hazard.STORM, destination(centre, 90, 5), 0, T0)
    for k in range(1, 12):
        point = destination(centre, k * 33.0, 5)
        chosen = choose_incident(point, Hazard.STORM, T0, [current])
        assert chosen == current
        current = join(current, point, 1, T0)
    assert distance_km(current.centroid, centre) < 2.5
    assert current.report_count == 12
    assert current.people_affected == 11


def test_open_incident() -> None:
    p = Point(5.0, 6.0)
    new = opened("inc-9", Hazard.EARTHQUAKE, p, None, T0)
    assert (new.version, new.expected_version) == (1, 0)  # written only where none is stored
    assert (new.status, new.category, new.credibility) == (
        IncidentStatus.NEW,
        Category.INFRASTRUCTURE_AND_UTILITY_DAMAGE,
        0.6,
    )
    assert (new.opened_at, new.updated_at, new.last_report_at) == (NOW, NOW, T0)
    assert (new.lat, new.lon, new.radius_km) == (5.0, 6.0, 0.0)
    assert new.report_count == 1
    assert new.people_affected == 0
    assert new.severity is Severity.MODERATE  # an earthquake is at least Moderate
    assert new.cell_key == hazard_cell_key(Hazard.EARTHQUAKE, p)


@pytest.mark.parametrize(
    ("reports", "people", "hazard", "expected"),
    [
        (1, 0, Hazard.FLOOD, "Minor"),
        (4, 9, Hazard.FIRE, "Minor"),
        (5, 0, Hazard.FIRE, "Moderate"),
        (1, 10, Hazard.FLOOD, "Moderate"),
        (1, 99, Hazard.FLOOD, "Moderate"),
        (1, 100, Hazard.FLOOD, "Severe"),
        (15, 0, Hazard.STORM, "Severe"),
        (14, 999, Hazard.STORM, "Severe"),
        (1, 1000, Hazard.STORM, "Extreme"),
        (50, 0, Hazard.LANDSLIDE, "Extreme"),
        (1, 0, Hazard.EARTHQUAKE, "Moderate"),
        (1, 0, Hazard.CONFLICT, "Moderate"),
        (1, 500, Hazard.CONFLICT, "Severe"),
    ],
)
def test_severity_thresholds(reports: int, people: int, hazard: Hazard, expected: str) -> None:
    assert severity(reports, people, hazard) == expected


def test_severity_is_monotonic() -> None:
    order = ["Minor", "Moderate", "Severe", "Extreme"]
    for hazard in Hazard:
        for n in range(0, 60, 3):
            for people in (0, 5, 50, 500, 5000):
                here = order.index(severity(n, people, hazard))
                assert order.index(severity(n + 3, people, hazard)) >= here
                assert order.index(severity(n, people * 2 + 1, hazard)) >= here


def test_rejects_naive_datetimes_and_negative_people() -> None:
    inc = incident()
    with pytest.raises(ValueError, match="time zone"):
        choose_incident(inc.centroid, Hazard.FLOOD, datetime(2026, 11, 3), [inc])
    with pytest.raises(ValueError, match="negative"):
        join(inc, inc.centroid, -1, T0)
    with pytest.raises(ValueError, match="negative"):
        severity(-1, 0, Hazard.FLOOD)


def test_reports_of_one_batch_plan_one_write_per_incident() -> None:
    stored = incident(version=3, count=2)
    first = join(stored, Point(10.0, 20.01), 1, T0)
    second = join(as_candidate(first), Point(10.0, 20.02), 2, T0)
    assert (second.version, second.expected_version) == (4, 3)  # still over the version read
    assert (second.report_count, second.people_affected) == (4, 3)
    new = opened("inc-new", Hazard.FLOOD, Point(1.0, 2.0), 1, T0)
    grown = join(as_candidate(new), Point(1.0, 2.001), 1, T0)
    assert grown.expected_version == 0  # still an opening
    assert grown.report_count == 2
