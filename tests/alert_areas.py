"""Alert areas as the request body writes them, in one place for the tests that build many
(the CAP profile tests). Shapes are given as (lat, lon) here, whatever order the body uses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def alert_area(
    description: str,
    polygons: Iterable[Sequence[tuple[float, float]]] = (),
    circles: Iterable[tuple[float, float, float]] = (),
) -> dict[str, Any]:
    """One element of an alert's ``areas``: polygons as rings of (lat, lon), circles as
    (lat, lon, radius_km)."""
    return {
        "description": description,
        "polygons": [[[lon, lat] for lat, lon in ring] for ring in polygons],
        "circles": [{"center": [lon, lat], "radius_km": radius} for lat, lon, radius in circles],
    }
