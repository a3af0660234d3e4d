"""Approximate country of a point: the country of the nearest bundled place.

``countries.csv`` lists, per ISO 3166-1 alpha-3 code, a centroid and a few large cities. The
nearest of these points names the country. This is an approximation for statistics, not a
border lookup: near borders, on coasts and in large countries it can be wrong. Incident
locations are already coarsened to about 1 km, so nothing finer would be meaningful anyway.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from haven.geo import Point, distance_km

TABLE = Path(__file__).resolve().parent / "countries.csv"


@cache
def _places() -> tuple[tuple[str, Point], ...]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        return tuple(
            (row["iso3"], Point(float(row["lat"]), float(row["lon"]))) for row in csv.DictReader(handle)
        )


def country_of(lat: float, lon: float) -> str:
    """ISO 3166-1 alpha-3 code of the nearest bundled place."""
    where = Point(lat, lon)
    return min(_places(), key=lambda place: distance_km(where, place[1]))[0]
