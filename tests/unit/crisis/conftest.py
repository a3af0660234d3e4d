"""Fixtures for the crisis domain tests."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from haven.geo import EARTH_RADIUS_KM, Point

Destination = Callable[[Point, float, float], Point]


def _destination(origin: Point, bearing_deg: float, distance_km: float) -> Point:
    """The point at ``distance_km`` (great circle) from ``origin`` on an initial bearing."""
    lat1, lon1 = math.radians(origin.lat), math.radians(origin.lon)
    brg = math.radians(bearing_deg)
    d = distance_km / EARTH_RADIUS_KM
    lat2 = math.asin(math.sin(lat1) * math.cos(d) + math.cos(lat1) * math.sin(d) * math.cos(brg))
    lon2 = lon1 + math.atan2(
        math.sin(brg) * math.sin(d) * math.cos(lat1), math.cos(d) - math.sin(lat1) * math.sin(lat2)
    )
    lon = (math.degrees(lon2) + 540.0) % 360.0 - 180.0
    return Point(max(-90.0, min(90.0, math.degrees(lat2))), lon)


@pytest.fixture
def destination() -> Destination:
    return _destination
