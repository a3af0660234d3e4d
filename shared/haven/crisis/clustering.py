"""Which incident a new report joins, and how the incident changes when it does.

The storage side Queries the keys of :func:`haven.crisis.taxonomy.hazard_cell_keys_around` for
the report's hazard and point, reads the incidents it finds, and asks :func:`choose_incident`.
Then either :func:`merge` (an existing incident) or :func:`open_incident` (a new one) gives the
incident as it is once the report's commit is written, at the next version. An incident is
stored under the key of its centroid (:attr:`Incident.cell_key`): a merge can move it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from haven.crisis.incident import Incident, IncidentStatus, Severity
from haven.crisis.taxonomy import Category, Hazard, profile
from haven.geo import Point, distance_km

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


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetimes must carry a time zone")
    return moment


def choose_incident(
    report_point: Point,
    hazard: Hazard,
    reported_at: datetime,
    candidates: Iterable[Incident],
) -> Incident | None:
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
    chosen: Incident | None = None
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
    incident: Incident,
    report_point: Point,
    people_affected: int | None,
    reported_at: datetime,
    *,
    credibility: float,
    at: datetime,
) -> Incident:
    """The incident after the report joins it, at the next version.

    Centroid: running mean of the report points (3D). Extent: the distance from the centroid to
    each earlier report is not known, so radius = max(previous radius, distance from the new
    centroid to this report). Report count +1, people affected summed (None counts 0), last
    report time the later of the two, severity recomputed; credibility is the joining report's.
    """
    if people_affected is not None and people_affected < 0:
        raise ValueError("people_affected must not be negative")
    centre = running_centroid(incident.centroid, incident.report_count, report_point)
    count = incident.report_count + 1
    people = incident.people_affected + (people_affected or 0)
    return replace(
        incident,
        version=incident.version + 1,
        lat=centre.lat,
        lon=centre.lon,
        radius_km=max(incident.radius_km, distance_km(centre, report_point)),
        last_report_at=max(_aware(incident.last_report_at), _aware(reported_at)),
        report_count=count,
        people_affected=people,
        severity=severity(count, people, incident.hazard),
        credibility=credibility,
        updated_at=at,
    )


def open_incident(
    incident_id: str,
    hazard: Hazard,
    category: Category,
    report_point: Point,
    people_affected: int | None,
    reported_at: datetime,
    *,
    credibility: float,
    at: datetime,
) -> Incident:
    """A new incident made of one report: centred on it, radius 0, version 1."""
    if people_affected is not None and people_affected < 0:
        raise ValueError("people_affected must not be negative")
    h = Hazard(hazard)
    people = people_affected or 0
    return Incident(
        incident_id=incident_id,
        version=1,
        hazard=h,
        category=Category(category),
        status=IncidentStatus.NEW,
        severity=severity(1, people, h),
        lat=report_point.lat,
        lon=report_point.lon,
        radius_km=0.0,
        report_count=1,
        people_affected=people,
        credibility=credibility,
        opened_at=at,
        last_report_at=_aware(reported_at),
        updated_at=at,
    )


def as_candidate(planned: Incident) -> Incident:
    """An incident a batch already plans to write, as a candidate for its next report.

    At the version its write expects, so that the next report's :func:`merge` plans the same
    single write (one version more than the stored one, or 1 for an incident the batch opens).
    """
    return replace(planned, version=planned.expected_version)
