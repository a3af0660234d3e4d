"""Alert areas: validation, containment and cell covers, including the awkward cases."""

from __future__ import annotations

import pytest

from haven import geo
from haven.alerts.geometry import Circle, GeometryError, Polygon, area_from_dict, area_to_dict, intersects
from haven.geo import Point


def ring(*points: tuple[float, float]) -> Polygon:
    return Polygon(tuple(Point(lat, lon) for lat, lon in points))


ACROSS_ANTIMERIDIAN = ring((-16, 178), (-16, -178), (-19, -178), (-19, 178), (-16, 178))  # Fiji


def test_polygon_across_the_antimeridian() -> None:
    assert ACROSS_ANTIMERIDIAN.contains(Point(-17.5, 179.5))
    assert ACROSS_ANTIMERIDIAN.contains(Point(-17.5, -179.5))
    assert not ACROSS_ANTIMERIDIAN.contains(Point(-17.5, 0))
    assert not ACROSS_ANTIMERIDIAN.contains(Point(-17.5, 170))
    cells = set(ACROSS_ANTIMERIDIAN.cells(4))
    assert geo.cell(Point(-17.5, 179.9), 4) in cells
    assert geo.cell(Point(-17.5, -179.9), 4) in cells
    assert len(cells) < 200  # the small box, not the rest of the world
    assert intersects(Circle(Point(-17.5, -179.99), 5), ACROSS_ANTIMERIDIAN)


def test_tiny_circle() -> None:
    tiny = Circle(Point(51.5007, -0.1246), 0.01)
    assert tiny.contains(Point(51.50075, -0.12465))
    assert not tiny.contains(Point(51.501, -0.1246))
    cells = tiny.cells(4)
    assert geo.cell(tiny.centre, 4) in cells
    assert len(cells) <= 3  # its own cell, and the neighbours of a nearby vertex at most
    assert intersects(tiny, ring((51.4, -0.2), (51.4, 0.0), (51.6, 0.0), (51.6, -0.2), (51.4, -0.2)))


def test_huge_polygon() -> None:
    sahel = ring((10, -15), (10, 25), (20, 25), (20, -15), (10, -15))
    cells = sahel.cells(4)
    assert 2_000 < len(cells) < 5_000  # ~4.7M km² in ~1,770 km² cells
    assert sahel.contains(Point(15, 5))
    assert intersects(Circle(Point(15, 5), 1), sahel)
    assert not intersects(Circle(Point(40, 5), 100), sahel)


@pytest.mark.parametrize(
    ("points", "message"),
    [
        (((0, 0), (0, 1), (0, 0)), "at least 4 points"),
        (((0, 0), (0, 1), (1, 1), (1, 0)), "closed"),
        (((0, 0), (1, 1), (0, 1), (1, 0), (0, 0)), "intersect itself"),
        (((0, 0), (0, 1), (0, 2), (0, 0)), "enclose an area"),
    ],
)
def test_invalid_polygons(points: tuple[tuple[float, float], ...], message: str) -> None:
    with pytest.raises(GeometryError, match=message):
        ring(*points)


def test_circle_bounds_and_round_trip() -> None:
    with pytest.raises(GeometryError, match="radius"):
        Circle(Point(0, 0), 0)
    with pytest.raises(GeometryError, match="radius"):
        Circle(Point(0, 0), 5000)
    for area in (Circle(Point(1.5, 2.5), 3.0), ACROSS_ANTIMERIDIAN):
        assert area_from_dict(area_to_dict(area)) == area


def test_cap_coordinates_have_at_most_six_decimals() -> None:
    text = Circle(Point(12.12345678, -1.000000001), 2.123456789).cap()
    assert text == "12.123457,-1 2.123457"
