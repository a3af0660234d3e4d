from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import timedelta

import h3
import pytest

from haven.crisis.taxonomy import (
    COVERAGE_FACTOR,
    HUMAID_CATEGORIES,
    PROFILES,
    Category,
    Hazard,
    hazard_cell_key,
    hazard_cell_keys_around,
    profile,
    resolution_for_radius,
)
from haven.geo import Point, cell, distance_km

Destination = Callable[[Point, float, float], Point]

HUMAID = [
    "caution_and_advice",
    "displaced_people_and_evacuations",
    "infrastructure_and_utility_damage",
    "injured_or_dead_people",
    "missing_or_found_people",
    "requests_or_urgent_needs",
    "rescue_volunteering_or_donation_effort",
    "sympathy_and_support",
    "other_relevant_information",
    "not_humanitarian",
]


def test_category_is_humaid_plus_unknown() -> None:
    assert [str(c) for c in HUMAID_CATEGORIES] == HUMAID
    assert {str(c) for c in Category} == {*HUMAID, "unknown"}
    assert Category("unknown") is Category.UNKNOWN
    assert Category.UNKNOWN not in HUMAID_CATEGORIES


def test_hazards() -> None:
    assert {str(h) for h in Hazard} == {
        "flood",
        "fire",
        "earthquake",
        "storm",
        "landslide",
        "conflict",
        "other",
    }
    assert set(PROFILES) == set(Hazard)


@pytest.mark.parametrize(
    ("hazard", "radius_km", "hours"),
    [
        (Hazard.FLOOD, 10, 48),
        (Hazard.STORM, 25, 48),
        (Hazard.EARTHQUAKE, 50, 72),
        (Hazard.LANDSLIDE, 3, 48),
        (Hazard.FIRE, 2, 12),
        (Hazard.CONFLICT, 5, 24),
        (Hazard.OTHER, 3, 24),
    ],
)
def test_profile_values(hazard: Hazard, radius_km: float, hours: int) -> None:
    p = profile(hazard)
    assert p.hazard is hazard
    assert p.radius_km == radius_km
    assert p.window == timedelta(hours=hours)


def test_flood_spreads_wider_than_fire() -> None:
    assert profile(Hazard.FLOOD).radius_km > profile(Hazard.FIRE).radius_km
    assert profile(Hazard.FLOOD).resolution < profile(Hazard.FIRE).resolution


@pytest.mark.parametrize("hazard", list(Hazard))
def test_resolution_is_the_finest_that_covers(hazard: Hazard) -> None:
    p = profile(hazard)

    def covers(res: int) -> bool:
        edge_km = float(h3.average_hexagon_edge_length(res, unit="km"))
        return COVERAGE_FACTOR * edge_km >= p.radius_km

    assert covers(p.resolution)
    assert not covers(p.resolution + 1)
    # the spec's weaker bound holds too
    assert math.sqrt(3) * float(h3.average_hexagon_edge_length(p.resolution, unit="km")) >= p.radius_km


def test_resolution_for_radius_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="positive"):
        resolution_for_radius(0)
    with pytest.raises(ValueError, match="too large"):
        resolution_for_radius(5000)


def _centres(seed: int, n: int) -> list[Point]:
    """Cell centres, random points and points next to a cell vertex (the hardest case)."""
    rng = random.Random(seed)
    fixed = [
        Point(0.0, 0.0),
        Point(48.8566, 2.3522),
        Point(-33.87, 151.21),
        Point(10.0, 179.999),
        Point(-10.0, -179.999),
        Point(89.9, 45.0),
        Point(-89.9, -120.0),
        Point(64.7, 10.536),  # near an icosahedron vertex (distorted cells)
    ]
    randoms = [Point(math.degrees(math.asin(rng.uniform(-1, 1))), rng.uniform(-180, 180)) for _ in range(n)]
    return fixed + randoms


@pytest.mark.parametrize("hazard", list(Hazard))
def test_profile_resolution_one_ring_covers_the_radius(hazard: Hazard, destination: Destination) -> None:
    p = profile(hazard)
    rng = random.Random(hash(str(hazard)) & 0xFFFF)
    for base in _centres(seed=len(str(hazard)), n=60):
        centre_cell = cell(base, p.resolution)
        lat, lon = h3.cell_to_latlng(centre_cell)
        vlat, vlon = h3.cell_to_boundary(centre_cell)[rng.randrange(5)]
        starts = [base, Point(lat, lon)]
        if abs(vlon - lon) < 90:  # a point just inside a vertex of the cell
            starts.append(Point(vlat * 0.995 + lat * 0.005, vlon * 0.995 + lon * 0.005))
        for start in starts:
            keys = set(hazard_cell_keys_around(hazard, start))
            assert hazard_cell_key(hazard, start) in keys
            for k in range(8):
                q = destination(start, k * 45.0, p.radius_km * 0.99)
                assert distance_km(start, q) == pytest.approx(p.radius_km * 0.99, rel=1e-6)
                assert hazard_cell_key(hazard, q) in keys, (hazard, start, k)


def test_keys_around_are_the_seven_cells() -> None:
    point = Point(48.8566, 2.3522)
    keys = hazard_cell_keys_around(Hazard.FLOOD, point)
    assert len(keys) == 7
    assert len(set(keys)) == 7
    assert keys[0] == hazard_cell_key(Hazard.FLOOD, point)
    res = profile(Hazard.FLOOD).resolution
    assert {k.split("#", 1)[1] for k in keys} == set(h3.grid_disk(cell(point, res), 1))
    assert all(k.startswith("flood#") for k in keys)


def test_key_format() -> None:
    point = Point(1.0, 2.0)
    assert hazard_cell_key(Hazard.FIRE, point) == f"fire#{cell(point, profile(Hazard.FIRE).resolution)}"


def test_keys_around_a_pentagon_are_six() -> None:
    res = profile(Hazard.OTHER).resolution
    pentagon = sorted(h3.get_pentagons(res))[0]
    lat, lon = h3.cell_to_latlng(pentagon)
    keys = hazard_cell_keys_around(Hazard.OTHER, Point(lat, lon))
    assert len(keys) == 6
    assert keys[0] == f"other#{pentagon}"
