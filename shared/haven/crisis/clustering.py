"""Which incident a new report joins, and how the incident changes when it does.

The storage side Queries the keys of :func:`haven.crisis.taxonomy.hazard_cell_keys_around` for
the report's hazard and point, turns the items into :class:`IncidentSnapshot` candidates, and
asks :func:`choose_incident`. Then either :func:`merge` (an existing incident) or
:func:`open_incident` (a new one) gives the values to write. An incident is stored under the
key of its centroid (:attr:`IncidentUpdate.cell_key`); a merge can move the centroid into
another cell, and then :attr:`IncidentUpdate.previous_cell_key` differs and the item must be
re-keyed in the same write.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from haven.crisis.taxonomy import Hazard, hazard_cell_key, profile
from haven.geo import Point, distance_km


class Severity(StrEnum):
    """CAP 1.2 severity (an incident is never ``Unknown`` once it has a report)."""

    MINOR = "Minor"
    MODERATE = "Moderate"
    SEVERE = "Severe"
    EXTREME = "Extreme"


_ORDER = (Severity.MINOR, Severity.MODERATE, Severity.SEVERE, Severity.EXTREME)

#: Least people affected for Moderate, Severe, Extreme.
PEOPLE_THRESHOLDS = (10, 100, 1000)
#: Least reports for Moderate, Severe, Extreme (many independent reports: a wide impact).
REPORT_THRESHOLDS = (5, 15, 50)
#: Hazards that are at least Moderate from the first report (possible threat to life).
MODERATE_FLOOR = frozenset({Hazard.EARTHQUAKE, Hazard.CONFLICT})


def _level(value: int, thresholds: tuple[int, int, int]) -> int:
    return sum(1 for t in thresholds if value >= t)


def severity(report_count: int, people_affected: int, hazard: Hazard) -> Severity:
    """CAP severity from the reports so far.

    The higher of two levels: people affected (>= 10 Moderate, >= 100 Severe, >= 1000
    Extreme) and report count (>= 5 Moderate, >= 15 Severe, >= 50 Extreme); earthquakes and
    conflict are at least Moderate. Everything else is Minor.
    """
    if report_count < 0 or people_affected < 0:
        raise ValueError("counts must not be negative")
    level = max(_level(people_affected, PEOPLE_THRESHOLDS), _level(report_count, REPORT_THRESHOLDS))
    if Hazard(hazard) in MODERATE_FLOOR:
        level = max(level, 1)
    return _ORDER[level]


@dataclass(frozen=True)
class IncidentSnapshot:
    """What clustering needs to know about a stored incident."""

    incident_id: str
    hazard: Hazard
    lat: float
    lon: float
    radius_km: float
    last_report_at: datetime
    report_count: int
    people_affected: int
    severity: str

    @property
    def centroid(self) -> Point:
        return Point(self.lat, self.lon)


@dataclass(frozen=True)
class IncidentUpdate:
    """The incident's values after a report joined it (or opened it)."""

    incident_id: str
    hazard: Hazard
    lat: float
    lon: float
    radius_km: float
    last_report_at: datetime
    report_count: int
    people_affected: int
    severity: Severity
    cell_key: str
    opened: bool
    previous_cell_key: str | None = None
    previous_severity: str | None = None

    @property
    def moved_cell(self) -> bool:
        return self.previous_cell_key is not None and self.previous_cell_key != self.cell_key

    @property
    def severity_changed(self) -> bool:
        return self.previous_severity is not None and self.previous_severity != self.severity

    def snapshot(self) -> IncidentSnapshot:
        return IncidentSnapshot(
            incident_id=self.incident_id,
            hazard=self.hazard,
            lat=self.lat,
            lon=self.lon,
            radius_km=self.radius_km,
            last_report_at=self.last_report_at,
            report_count=self.report_count,
            people_affected=self.people_affected,
            severity=str(self.severity),
        )


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetimes must carry a time zone")
    return moment


def choose_incident(
    report_point: Point,
    hazard: Hazard,
    reported_at: datetime,
    candidates: Iterable[IncidentSnapshot],
) -> IncidentSnapshot | None:
    """The incident a report joins, or None to open a new one.

    A candidate qualifies if it has the same hazard, its centroid is within the hazard's radius
    of the report (great-circle, inclusive) and the report is within the hazard's time window
    of the incident's last report, either side (inclusive: reports can arrive late). The
    nearest qualifying incident wins; ties go to the one with most reports, then the smallest
    id (deterministic).
    """
    h = Hazard(hazard)
    p = profile(h)
    when = _aware(reported_at)
    best: tuple[float, int, str] | None = None
    chosen: IncidentSnapshot | None = None
    for incident in candidates:
        if Hazard(incident.hazard) is not h:
            continue
        if abs(when - _aware(incident.last_report_at)) > p.window:
            continue
        d = distance_km(report_point, incident.centroid)
        if d > p.radius_km:
            continue
        key = (d, -incident.report_count, incident.incident_id)
        if best is None or key < best:
            best, chosen = key, incident
    return chosen


def _to_vector(p: Point) -> tuple[float, float, float]:
    lat, lon = math.radians(p.lat), math.radians(p.lon)
    return (math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat))


def _to_point(x: float, y: float, z: float) -> Point:
    lat = math.degrees(math.atan2(z, math.hypot(x, y)))
    lon = math.degrees(math.atan2(y, x)) if math.hypot(x, y) > 1e-12 else 0.0
    return Point(max(-90.0, min(90.0, lat)), max(-180.0, min(180.0, lon)))


def running_centroid(centroid: Point, count: int, new_point: Point) -> Point:
    """Mean direction of ``count`` points (whose mean is ``centroid``) and one more.

    Averaged as 3D unit vectors, so it is right across the antimeridian and near the poles.
    If the sum vanishes (antipodal points), the centroid stays where it was.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    cx, cy, cz = _to_vector(centroid)
    nx, ny, nz = _to_vector(new_point)
    x, y, z = count * cx + nx, count * cy + ny, count * cz + nz
    if math.sqrt(x * x + y * y + z * z) < 1e-12:
        return centroid
    return _to_point(x, y, z)


def merge(
    incident: IncidentSnapshot,
    report_point: Point,
    people_affected: int | None,
    reported_at: datetime,
) -> IncidentUpdate:
    """The incident after the report joins it.

    Centroid: running mean of the report points (3D). Extent: the distance from the centroid to
    each earlier report is not known, so radius = max(previous radius, distance from the new
    centroid to this report). Report count +1, people affected summed (None counts 0), last
    report time the later of the two, severity recomputed.
    """
    if people_affected is not None and people_affected < 0:
        raise ValueError("people_affected must not be negative")
    centre = running_centroid(incident.centroid, incident.report_count, report_point)
    radius = max(incident.radius_km, distance_km(centre, report_point))
    count = incident.report_count + 1
    people = incident.people_affected + (people_affected or 0)
    hazard = Hazard(incident.hazard)
    return IncidentUpdate(
        incident_id=incident.incident_id,
        hazard=hazard,
        lat=centre.lat,
        lon=centre.lon,
        radius_km=radius,
        last_report_at=max(_aware(incident.last_report_at), _aware(reported_at)),
        report_count=count,
        people_affected=people,
        severity=severity(count, people, hazard),
        cell_key=hazard_cell_key(hazard, centre),
        opened=False,
        previous_cell_key=hazard_cell_key(hazard, incident.centroid),
        previous_severity=incident.severity,
    )


def open_incident(
    incident_id: str,
    hazard: Hazard,
    report_point: Point,
    people_affected: int | None,
    reported_at: datetime,
) -> IncidentUpdate:
    """A new incident made of one report: centred on it, radius 0."""
    if people_affected is not None and people_affected < 0:
        raise ValueError("people_affected must not be negative")
    h = Hazard(hazard)
    people = people_affected or 0
    return IncidentUpdate(
        incident_id=incident_id,
        hazard=h,
        lat=report_point.lat,
        lon=report_point.lon,
        radius_km=0.0,
        last_report_at=_aware(reported_at),
        report_count=1,
        people_affected=people,
        severity=severity(1, people, h),
        cell_key=hazard_cell_key(h, report_point),
        opened=True,
    )
