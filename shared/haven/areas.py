"""The areas every domain shares: bounding boxes, circles and polygons on the sphere.

Areas (of alerts, subscriptions and feed sources) are circles and polygons on the sphere.
Polygons are closed rings of at least four points (the first repeated last) that do not cross
themselves. Rings may cross the antimeridian: longitudes are unwrapped (each vertex within 180°
of the previous one) before any planar test. A polygon is validated when it is built from
input; one read back from storage was validated when it was written and is not checked again
(:meth:`Polygon.stored`): the self-intersection test is quadratic in the points.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from haven.geo import EARTH_RADIUS_KM, Point, cell, cells_in_ring, cells_within, distance_km


@dataclass(frozen=True)
class BBox:
    """A bounding box; ``west > east`` means it crosses the antimeridian."""

    south: float
    west: float
    north: float
    east: float

    @classmethod
    def parse(cls, text: str) -> BBox:
        parts = text.split(",")
        if len(parts) != 4:
            raise ValueError("bbox must be west,south,east,north")
        west, south, east, north = (float(p) for p in parts)
        Point(south, west)
        Point(north, east)
        # Latitudes in either order name the same band; longitudes do not (west > east crosses
        # the antimeridian).
        return cls(min(south, north), west, max(south, north), east)

    def contains(self, p: Point) -> bool:
        if not (self.south <= p.lat <= self.north):
            return False
        if self.west <= self.east:
            return self.west <= p.lon <= self.east
        return p.lon >= self.west or p.lon <= self.east


MAX_POLYGON_POINTS = 500
MAX_RADIUS_KM = 1000.0
#: Resolution of the subscription index (average cell ~1,770 km², edge ~26 km).
INDEX_RESOLUTION = 4
#: Decimals of the coordinates CAP messages carry (Google Public Alerts: at most 6).
CAP_DECIMALS = 6


class GeometryError(ValueError):
    pass


def cap_round(value: float) -> float:
    return round(value, CAP_DECIMALS) + 0.0


def _unwrap(lons: list[float]) -> list[float]:
    out = [lons[0]]
    for lon in lons[1:]:
        previous = out[-1]
        while lon - previous > 180:
            lon -= 360
        while lon - previous < -180:
            lon += 360
        out.append(lon)
    return out


def _orientation(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _segments_cross(
    p1: tuple[float, float], p2: tuple[float, float], q1: tuple[float, float], q2: tuple[float, float]
) -> bool:
    d1, d2 = _orientation(q1, q2, p1), _orientation(q1, q2, p2)
    d3, d4 = _orientation(p1, p2, q1), _orientation(p1, p2, q2)
    if ((d1 > 0 > d2) or (d1 < 0 < d2)) and ((d3 > 0 > d4) or (d3 < 0 < d4)):
        return True

    def on(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> bool:
        return (
            min(a[0], b[0]) <= c[0] <= max(a[0], b[0])
            and min(a[1], b[1]) <= c[1] <= max(a[1], b[1])
            and _orientation(a, b, c) == 0
        )

    return (
        (d1 == 0 and on(q1, q2, p1))
        or (d2 == 0 and on(q1, q2, p2))
        or (d3 == 0 and on(p1, p2, q1))
        or (d4 == 0 and on(p1, p2, q2))
    )


@dataclass(frozen=True)
class Circle:
    centre: Point
    radius_km: float

    def __post_init__(self) -> None:
        if not (0 < self.radius_km <= MAX_RADIUS_KM) or math.isnan(self.radius_km):
            raise GeometryError(f"radius must be greater than 0 and at most {MAX_RADIUS_KM:g} km")

    def contains(self, p: Point) -> bool:
        return distance_km(self.centre, p) <= self.radius_km

    def cells(self, resolution: int = INDEX_RESOLUTION) -> list[str]:
        return cells_within(self.centre, self.radius_km, resolution)


@dataclass(frozen=True)
class Polygon:
    """A simple closed ring; ``Polygon(ring)`` validates it, :meth:`stored` trusts it."""

    ring: tuple[Point, ...]

    def __post_init__(self) -> None:
        _check_ring(self)

    @classmethod
    def stored(cls, ring: tuple[Point, ...]) -> Polygon:
        """A polygon read back from storage, validated when it was written: not checked again."""
        polygon = object.__new__(cls)
        object.__setattr__(polygon, "ring", ring)
        return polygon

    def planar(self) -> list[tuple[float, float]]:
        """The ring as planar (lon, lat), longitudes unwrapped across the antimeridian."""
        lons = _unwrap([p.lon for p in self.ring])
        return [(lon, p.lat) for lon, p in zip(lons, self.ring, strict=True)]

    def _edges(self) -> list[tuple[tuple[float, float], tuple[float, float]]]:
        pts = self.planar()
        return [(pts[i], pts[i + 1]) for i in range(len(pts) - 1)]

    def contains(self, p: Point) -> bool:
        pts = self.planar()
        lo = min(x for x, _ in pts)
        lon = p.lon
        while lon < lo:
            lon += 360
        while lon - 360 >= lo:
            lon -= 360
        inside = False
        for (x1, y1), (x2, y2) in itertools.pairwise(pts):
            if (y1 > p.lat) != (y2 > p.lat):
                cross = (x2 - x1) * (p.lat - y1) / (y2 - y1) + x1
                if lon < cross:
                    inside = not inside
        return inside

    def distance_km(self, p: Point) -> float:
        """0 inside; otherwise the distance to the nearest edge (local flat approximation)."""
        if self.contains(p):
            return 0.0
        scale = math.cos(math.radians(p.lat))
        best = math.inf
        for (x1, y1), (x2, y2) in self._edges():
            ax, ay = _local(x1, y1, p, scale)
            bx, by = _local(x2, y2, p, scale)
            dx, dy = bx - ax, by - ay
            t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
            best = min(best, math.hypot(ax + t * dx, ay + t * dy))
        return best

    def cells(self, resolution: int = INDEX_RESOLUTION) -> list[str]:
        found = set(cells_in_ring(self.ring[:-1], resolution))
        found.update(cell(p, resolution) for p in self.ring)
        return sorted(found)


def ring_area2(pts: Sequence[tuple[float, float]]) -> float:
    """Twice the signed (shoelace) area of a closed planar ring."""
    return sum(pts[i][0] * pts[i + 1][1] - pts[i + 1][0] * pts[i][1] for i in range(len(pts) - 1))


def _check_ring(polygon: Polygon) -> None:
    ring = polygon.ring
    n = len(ring)
    if n < 4:
        raise GeometryError("a polygon needs at least 4 points (the first repeated last)")
    if n > MAX_POLYGON_POINTS:
        raise GeometryError(f"a polygon has at most {MAX_POLYGON_POINTS} points")
    if ring[0] != ring[-1]:
        raise GeometryError("a polygon must be closed: its last point must equal its first")
    if len(set(ring[:-1])) < 3:
        raise GeometryError("a polygon needs at least 3 distinct points")
    if _self_intersects(polygon):
        raise GeometryError("a polygon must not intersect itself")
    planar = polygon.planar()
    if abs(ring_area2(planar)) < 1e-12:
        raise GeometryError("a polygon must enclose an area")
    xs = [x for x, _ in planar]
    if max(xs) - min(xs) >= 360:
        raise GeometryError("a polygon must span less than 360 degrees of longitude")
    written = tuple(Point(cap_round(p.lat), cap_round(p.lon)) for p in ring)
    if written != ring:
        try:
            Polygon(written)
        except GeometryError as error:
            raise GeometryError(f"{error} at the {CAP_DECIMALS} decimals CAP carries") from None


def _self_intersects(polygon: Polygon) -> bool:
    """Whether two edges that are not neighbours cross: O(n²) in the points."""
    edges = polygon._edges()
    last = len(edges) - 1
    return any(
        _segments_cross(*edges[i], *edges[j])
        for i in range(len(edges))
        for j in range(i + 2, len(edges))
        if not (i == 0 and j == last)
    )


def _local(lon: float, lat: float, origin: Point, scale: float) -> tuple[float, float]:
    dlon = lon - origin.lon
    while dlon > 180:
        dlon -= 360
    while dlon < -180:
        dlon += 360
    km_per_degree = math.pi * EARTH_RADIUS_KM / 180
    return dlon * scale * km_per_degree, (lat - origin.lat) * km_per_degree


Area = Circle | Polygon


def intersects(a: Area, b: Area) -> bool:
    """Whether two areas overlap (exact for circles, vertex/edge tests for polygons)."""
    if isinstance(a, Circle) and isinstance(b, Circle):
        return distance_km(a.centre, b.centre) <= a.radius_km + b.radius_km
    if isinstance(a, Polygon) and isinstance(b, Circle):
        a, b = b, a
    if isinstance(a, Circle) and isinstance(b, Polygon):
        return b.distance_km(a.centre) <= a.radius_km
    assert isinstance(a, Polygon)
    assert isinstance(b, Polygon)
    if any(b.contains(p) for p in a.ring) or any(a.contains(p) for p in b.ring):
        return True
    return _polygon_edges_cross(a, b)


def _polygon_edges_cross(a: Polygon, b: Polygon) -> bool:
    origin = a.ring[0]
    scale = math.cos(math.radians(origin.lat))

    def edges(poly: Polygon) -> list[tuple[tuple[float, float], tuple[float, float]]]:
        pts = [_local(p.lon, p.lat, origin, scale) for p in poly.ring]
        return [(pts[i], pts[i + 1]) for i in range(len(pts) - 1)]

    return any(_segments_cross(*e, *f) for e in edges(a) for f in edges(b))


def _stored_polygon(points: Sequence[tuple[float, float]]) -> Polygon:
    return Polygon.stored(tuple(Point(float(lat), float(lon)) for lat, lon in points))


def area_from_dict(data: dict[str, Any]) -> Area:
    """A stored area (as :func:`area_to_dict` writes it, or the bbox and circle forms feed
    sources wrote before areas had one shape); its polygon is trusted, not checked again."""
    if "bbox" in data:
        west, south, east, north = (float(v) for v in data["bbox"])
        return _stored_polygon(((south, west), (south, east), (north, east), (north, west), (south, west)))
    if "circle" in data:
        data = {"type": "circle", **data["circle"]}
    if data.get("type") == "circle":
        return Circle(Point(float(data["lat"]), float(data["lon"])), float(data["radius_km"]))
    return _stored_polygon(data["points"])


def area_to_dict(area: Area) -> dict[str, Any]:
    if isinstance(area, Circle):
        return {"type": "circle", "lat": area.centre.lat, "lon": area.centre.lon, "radius_km": area.radius_km}
    return {"type": "polygon", "points": [[p.lat, p.lon] for p in area.ring]}


def area_view(shapes: Sequence[Area]) -> dict[str, object]:
    """Shapes as the API writes an area: GeoJSON positions, ``[lon, lat]``."""
    return {
        "polygons": [[[p.lon, p.lat] for p in s.ring] for s in shapes if isinstance(s, Polygon)],
        "circles": [
            {"center": [s.centre.lon, s.centre.lat], "radius_km": s.radius_km}
            for s in shapes
            if isinstance(s, Circle)
        ],
    }


def areas_from_view(view: dict[str, Any]) -> list[Area]:
    """The stored shapes of an area written as :func:`area_view` writes it (trusted)."""
    if "shapes" in view:  # summaries stored before areas had one shape
        return [area_from_dict(shape) for shape in view["shapes"]]
    polygons: list[Area] = [
        _stored_polygon([(lat, lon) for lon, lat in ring]) for ring in view.get("polygons", [])
    ]
    circles: list[Area] = [
        Circle(Point(float(c["center"][1]), float(c["center"][0])), float(c["radius_km"]))
        for c in view.get("circles", [])
    ]
    return polygons + circles
