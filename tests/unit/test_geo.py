from __future__ import annotations

import math

import pytest

from haven import areas, geo
from haven.areas import BBox, Circle, Polygon
from haven.geo import Point


def test_point_bounds() -> None:
    Point(90, 180)
    Point(-90, -180)
    for lat, lon in ((90.1, 0), (0, 180.5), (float("nan"), 0)):
        with pytest.raises(ValueError, match="must be between"):
            Point(lat, lon)


def test_distance_across_the_antimeridian_is_short() -> None:
    assert geo.distance_km(Point(0, 179.99), Point(0, -179.99)) < 3


def test_cells_within_cover_every_point_in_radius() -> None:
    centre = Point(48.85, 2.35)
    cells = set(geo.cells_within(centre, 10, 7))
    for bearing_lat, bearing_lon in ((0.089, 0), (0, 0.135), (-0.089, 0), (0, -0.135)):
        p = Point(centre.lat + bearing_lat, centre.lon + bearing_lon)
        assert geo.distance_km(centre, p) < 10
        assert geo.cell(p, 7) in cells


def test_coarsen_moves_less_than_a_cell_and_hides_the_exact_point() -> None:
    p = Point(-33.8688, 151.2093)
    c = geo.coarsen(p, 7)
    assert c != p
    assert geo.distance_km(p, c) < 2.5
    assert geo.coarsen(Point(-33.8689, 151.2094), 7) == c


def test_bbox_crossing_the_antimeridian() -> None:
    box = BBox.parse("170,-20,-170,-10")
    assert box.contains(Point(-15, 175))
    assert box.contains(Point(-15, -175))
    assert not box.contains(Point(-15, 0))
    with pytest.raises(ValueError, match="west,south,east,north"):
        BBox.parse("1,2,3")
    # latitudes in either order are the same band (longitudes are not: 170..-170 crosses 180°)
    assert BBox.parse("0,10,1,5") == BBox.parse("0,5,1,10")


def test_polygon_cells_and_containment() -> None:
    square = Polygon(tuple(Point(lat, lon) for lat, lon in ((0, 0), (0, 1), (1, 1), (1, 0), (0, 0))))
    assert geo.cell(Point(0.5, 0.5), 6) in square.cells(6)
    assert square.contains(Point(0.5, 0.5))
    assert not square.contains(Point(1.5, 0.5))


def _big_ring(n: int) -> list[list[float]]:
    """A stored polygon of ``n`` distinct vertices on a circle (closed: n + 1 points)."""
    points = [
        [round(10 * math.sin(2 * math.pi * k / n), 6), round(10 * math.cos(2 * math.pi * k / n), 6)]
        for k in range(n)
    ]
    return [*points, points[0]]


def test_a_stored_polygon_is_read_without_the_self_intersection_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Validated when written (from input), trusted when read back: reading a stored area of
    the largest size allowed never runs the quadratic check, building one from input does."""
    stored = {"type": "polygon", "points": _big_ring(areas.MAX_POLYGON_POINTS - 1)}
    calls: list[Polygon] = []
    check = areas._self_intersects
    monkeypatch.setattr(areas, "_self_intersects", lambda polygon: calls.append(polygon) or check(polygon))

    read = areas.area_from_dict(stored)
    views = areas.areas_from_view(areas.area_view([read]))
    assert calls == []

    assert isinstance(read, Polygon)
    assert views == [read]
    assert areas.area_to_dict(read) == stored
    assert Polygon(read.ring) == read  # the same ring is valid from input too...
    assert len(calls) == 1  # ...where it is checked (once: it is already at CAP's 6 decimals)


def test_stored_areas_in_the_shapes_feed_sources_wrote_first() -> None:
    box = areas.area_from_dict({"bbox": [0, 1, 2, 3]})
    assert isinstance(box, Polygon)
    assert box.ring == tuple(Point(lat, lon) for lat, lon in ((1, 0), (1, 2), (3, 2), (3, 0), (1, 0)))
    circle = areas.area_from_dict({"circle": {"lat": 1, "lon": 2, "radius_km": 3}})
    assert circle == Circle(Point(1, 2), 3)


def test_cells_within_cover_every_sampled_point_of_random_circles() -> None:
    import math
    import random

    rng = random.Random(5)
    for _ in range(300):
        centre = Point(rng.uniform(-80, 80), rng.uniform(-180, 180))
        radius = rng.choice([0.5, 2.0, 10.0, 40.0])
        resolution = rng.choice([3, 4, 5, 7])
        cover = set(geo.cells_within(centre, radius, resolution))
        for k in range(24):  # points on the circle's edge, where a missed cell would show
            bearing = 2 * math.pi * k / 24
            dlat = radius / 111.2 * math.cos(bearing)
            dlon = radius / (111.2 * math.cos(math.radians(centre.lat))) * math.sin(bearing)
            lon = (centre.lon + dlon + 180) % 360 - 180
            p = Point(max(-90, min(90, centre.lat + dlat)), lon)
            assert geo.cell(p, resolution) in cover, (centre, radius, resolution)


@pytest.mark.parametrize("resolution", range(16))
def test_the_edge_length_table_is_h3s(resolution: int) -> None:
    import h3

    assert geo.edge_km(resolution) == h3.average_hexagon_edge_length(resolution, unit="km")


def test_neighbours_are_the_ring_around_a_cell() -> None:
    centre = geo.cell(geo.Point(51.5, -0.12), 7)
    around = geo.neighbours(centre)
    assert len(around) == 6
    assert centre not in around
    assert all(
        geo.distance_km(geo.cell_center(centre), geo.cell_center(c)) < 3 * geo.edge_km(7) for c in around
    )
