"""Alert areas: validation, containment, cell covers and CAP notation, including the awkward cases."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven import geo
from haven.alerts.geometry import circle_cap, polygon_cap
from haven.areas import Circle, GeometryError, Polygon, area_from_dict, area_to_dict, intersects
from haven.geo import Point
from tests.cap_profiles import self_intersects


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
    text = circle_cap(Circle(Point(12.12345678, -1.000000001), 2.123456789))
    assert text == "12.123457,-1 2.123457"


def _shoelace(ring: list[tuple[float, float]]) -> float:
    return (
        abs(sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1] for i in range(len(ring) - 1))) / 2
    )


def _parts(polygon: Polygon) -> list[list[tuple[float, float]]]:
    """The CAP rings as written, read back as (lat, lon) points."""
    return [
        [(float(a), float(b)) for a, b in (p.split(",") for p in text.split())]
        for text in polygon_cap(polygon)
    ]


def test_a_polygon_across_the_antimeridian_is_written_as_its_two_sides() -> None:
    """Google's validator reads a CAP ring as planar in longitudes of [-180, 180]. Written as one
    ring (as it used to be), the Fiji box reads as the band round the rest of the world, and a
    ring with vertices either side, such as a hexagon round (0, 179), reads as crossing itself."""
    written = _parts(ACROSS_ANTIMERIDIAN)
    assert written == [
        [(-19, 180), (-19, 178), (-16, 178), (-16, 180), (-19, 180)],
        [(-16, -180), (-16, -178), (-19, -178), (-19, -180), (-16, -180)],
    ]
    for part in written:
        assert not self_intersects(part)
    hexagon = ring(
        (0, -179), (3.464102, 179), (3.464102, 175), (0, 173), (-3.464102, 175), (-3.464102, 179), (0, -179)
    )
    assert self_intersects([(p.lat, p.lon) for p in hexagon.ring])
    for part in _parts(hexagon):
        assert not self_intersects(part)


@settings(max_examples=300, deadline=None)
@given(
    lat=st.floats(-70, 70),
    lon=st.floats(170, 190),
    radii=st.lists(st.floats(0.2, 8), min_size=3, max_size=12),
    turn=st.floats(0, 6.28),
)
def test_split_rings_cover_the_polygon_and_keep_googles_rules(
    lat: float, lon: float, radii: list[float], turn: float
) -> None:
    """Star-shaped rings (concave ones too) round a point near the antimeridian: the parts
    written cover the same area, each lies in [-180, 180] and none crosses itself."""
    import math

    points = []
    for k, r in enumerate(radii):
        angle = turn + 2 * math.pi * k / len(radii)
        x = lon + r * math.cos(angle)
        points.append((round(lat + r * math.sin(angle), 6), round(x - 360 if x > 180 else x, 6)))
    try:
        polygon = ring(*points, points[0])
    except GeometryError:
        return  # rounding made it degenerate: refused, nothing is written
    parts = _parts(polygon)
    unwrapped = polygon.planar()
    assert sum(_shoelace([(b, a) for a, b in part]) for part in parts) == pytest.approx(
        _shoelace(unwrapped), rel=1e-4, abs=1e-5
    )
    for part in parts:
        assert all(-180 <= b <= 180 for _, b in part)
        assert part[0] == part[-1]
        assert len(part) >= 4
        assert not self_intersects(part), part


def test_a_polygon_must_keep_its_shape_at_caps_six_decimals() -> None:
    with pytest.raises(GeometryError, match="6 decimals"):
        # at 7 decimals the last vertex is just off the first edge; at 6 it lies on it
        ring((0, 0), (0, 1), (1, 1), (0.0000004, 0.5), (0, 0))
    with pytest.raises(GeometryError, match="360 degrees"):
        ring((0, 0), (10, 120), (0, -120), (10, 0), (0, 120), (-10, -120), (0, 0))
