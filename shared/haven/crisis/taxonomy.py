"""The crisis taxonomy (HumAID humanitarian classes), hazard types and per-hazard clustering.

Reports are grouped into incidents of the same hazard that lie within a hazard-dependent
distance and time window (a flood spreads wider and lasts longer than a fire in a building).
An incident is stored under the H3 cell of its centroid at the hazard's resolution, keyed
``"{hazard}#{cell}"``; a new report finds its candidates by Querying the 7 keys of the 1-ring
disk around its own cell (:func:`hazard_cell_keys_around`), never by a Scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from haven.geo import Point, cell, edge_km, neighbours


class Category(StrEnum):
    """HumAID humanitarian classes, plus ``UNKNOWN`` when the reporter lets triage decide."""

    CAUTION_AND_ADVICE = "caution_and_advice"
    DISPLACED_PEOPLE_AND_EVACUATIONS = "displaced_people_and_evacuations"
    INFRASTRUCTURE_AND_UTILITY_DAMAGE = "infrastructure_and_utility_damage"
    INJURED_OR_DEAD_PEOPLE = "injured_or_dead_people"
    MISSING_OR_FOUND_PEOPLE = "missing_or_found_people"
    REQUESTS_OR_URGENT_NEEDS = "requests_or_urgent_needs"
    RESCUE_VOLUNTEERING_OR_DONATION_EFFORT = "rescue_volunteering_or_donation_effort"
    SYMPATHY_AND_SUPPORT = "sympathy_and_support"
    OTHER_RELEVANT_INFORMATION = "other_relevant_information"
    NOT_HUMANITARIAN = "not_humanitarian"
    UNKNOWN = "unknown"


#: The classes a classifier may decide (everything but ``UNKNOWN``).
HUMAID_CATEGORIES: tuple[Category, ...] = tuple(c for c in Category if c is not Category.UNKNOWN)


class Hazard(StrEnum):
    FLOOD = "flood"
    FIRE = "fire"
    EARTHQUAKE = "earthquake"
    STORM = "storm"
    LANDSLIDE = "landslide"
    CONFLICT = "conflict"
    OTHER = "other"


#: Lower bound of (shortest edge of any H3 cell) / (average edge length), over all cells at a
#: resolution. Measured over every cell at resolutions 2-5: 0.703-0.773 (pentagons and the
#: distorted cells near icosahedron vertices are the short ones); 2/3 leaves a margin.
#:
#: Why the shortest edge: from a point anywhere in a hexagon, the boundary of the 1-ring disk
#: around that hexagon is at least one edge length away (the worst case is a vertex of the centre
#: cell, from which an edge shared by two neighbours leads straight out). So if
#: ``COVERAGE_FACTOR * average_edge(r) >= radius``, every point within ``radius`` of *any* point
#: in a cell lies in that cell's 1-ring. The looser ``sqrt(3) * average_edge(r) >= radius`` only
#: holds from the cell centre, and misses neighbours of reports near a cell corner.
COVERAGE_FACTOR = 2.0 / 3.0


def resolution_for_radius(radius_km: float) -> int:
    """The finest H3 resolution whose 1-ring disk around any cell covers ``radius_km``."""
    if not radius_km > 0:
        raise ValueError("radius must be positive")
    for res in range(15, -1, -1):
        if COVERAGE_FACTOR * edge_km(res) >= radius_km:
            return res
    raise ValueError(f"radius {radius_km} km is too large for a 1-ring H3 lookup")


@dataclass(frozen=True)
class HazardProfile:
    """How far and how long reports of one hazard still belong to the same incident."""

    hazard: Hazard
    radius_km: float
    window: timedelta
    resolution: int

    @classmethod
    def of(cls, hazard: Hazard, radius_km: float, window: timedelta) -> HazardProfile:
        return cls(hazard, radius_km, window, resolution_for_radius(radius_km))


PROFILES: dict[Hazard, HazardProfile] = {
    p.hazard: p
    for p in (
        HazardProfile.of(Hazard.FLOOD, 10.0, timedelta(hours=48)),
        HazardProfile.of(Hazard.STORM, 25.0, timedelta(hours=48)),
        HazardProfile.of(Hazard.EARTHQUAKE, 50.0, timedelta(hours=72)),
        HazardProfile.of(Hazard.LANDSLIDE, 3.0, timedelta(hours=48)),
        HazardProfile.of(Hazard.FIRE, 2.0, timedelta(hours=12)),
        HazardProfile.of(Hazard.CONFLICT, 5.0, timedelta(hours=24)),
        HazardProfile.of(Hazard.OTHER, 3.0, timedelta(hours=24)),
    )
}


def profile(hazard: Hazard) -> HazardProfile:
    return PROFILES[Hazard(hazard)]


def hazard_cell_key(hazard: Hazard, point: Point) -> str:
    """The key an incident of ``hazard`` centred at ``point`` is stored under."""
    h = Hazard(hazard)
    return f"{h}#{cell(point, PROFILES[h].resolution)}"


def hazard_cell_keys_around(hazard: Hazard, point: Point) -> list[str]:
    """The keys to Query for incidents of ``hazard`` within its radius of ``point``.

    The 1-ring disk: 7 keys (6 when the cell is one of H3's 12 pentagons), centre cell first.
    """
    h = Hazard(hazard)
    centre = cell(point, PROFILES[h].resolution)
    return [f"{h}#{c}" for c in (centre, *neighbours(centre))]
