"""Alert and subscription areas: CAP polygons and circles on the sphere.

Polygons are closed rings of at least four points (the first repeated last) that do not cross
themselves. Rings may cross the antimeridian: longitudes are unwrapped (each vertex within 180°
of the previous one) before any planar test. Matching a subscription to an alert first finds
candidates by H3 cell (a Query per cell), then applies the exact tests here.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import h3

from haven import geo
from haven.geo import Point

MAX_POLYGON_POINTS = 500
MAX_RADIUS_KM = 1000.0
#: Resolution of the subscription index (average cell ~1,770 km², edge ~26 km).
INDEX_RESOLUTION = 4


class GeometryError(ValueError):
    pass


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
        return geo.distance_km(self.centre, p) <= self.radius_km

    def cells(self, resolution: int = INDEX_RESOLUTION) -> list[str]:
        return geo.cells_within(self.centre, self.radius_km, resolution)

    def cap(self) -> str:
        return f"{_fmt(self.centre.lat)},{_fmt(self.centre.lon)} {_fmt(self.radius_km)}"


@dataclass(frozen=True)
class Polygon:
    ring: tuple[Point, ...]

    def __post_init__(self) -> None:
        n = len(self.ring)
        if n < 4:
            raise GeometryError("a polygon needs at least 4 points (the first repeated last)")
        if n > MAX_POLYGON_POINTS:
            raise GeometryError(f"a polygon has at most {MAX_POLYGON_POINTS} points")
        if self.ring[0] != self.ring[-1]:
            raise GeometryError("a polygon must be closed: its last point must equal its first")
        if len(set(self.ring[:-1])) < 3:
            raise GeometryError("a polygon needs at least 3 distinct points")
        edges = self._edges()
        for i in range(len(edges)):
            for j in range(i + 1, len(edges)):
                adjacent = j == i + 1 or (i == 0 and j == len(edges) - 1)
                if adjacent:
                    continue
                if _segments_cross(*edges[i], *edges[j]):
                    raise GeometryError("a polygon must not intersect itself")
        if abs(self._area2()) < 1e-12:
            raise GeometryError("a polygon must enclose an area")
        xs = [x for x, _ in self._planar()]
        if max(xs) - min(xs) >= 360:
            raise GeometryError("a polygon must span less than 360 degrees of longitude")
        written = tuple(Point(_cap_round(p.lat), _cap_round(p.lon)) for p in self.ring)
        if written != self.ring:
            try:
                Polygon(written)
            except GeometryError as error:
                raise GeometryError(f"{error} at the {CAP_DECIMALS} decimals CAP carries") from None

    def _planar(self) -> list[tuple[float, float]]:
        lons = _unwrap([p.lon for p in self.ring])
        return [(lon, p.lat) for lon, p in zip(lons, self.ring, strict=True)]

    def _edges(self) -> list[tuple[tuple[float, float], tuple[float, float]]]:
        pts = self._planar()
        return [(pts[i], pts[i + 1]) for i in range(len(pts) - 1)]

    def _area2(self) -> float:
        pts = self._planar()
        return sum(pts[i][0] * pts[i + 1][1] - pts[i + 1][0] * pts[i][1] for i in range(len(pts) - 1))

    def contains(self, p: Point) -> bool:
        pts = self._planar()
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
        shape = h3.LatLngPoly([(p.lat, p.lon) for p in self.ring[:-1]])
        found = set(h3.h3shape_to_cells(shape, resolution))
        found.update(geo.cell(p, resolution) for p in self.ring)
        return sorted(found)

    def cap(self) -> list[str]:
        """The CAP ``polygon`` values of this area: one ring, or, for a ring across the
        antimeridian, its parts east and west of it (CAP longitudes lie in [-180, 180] and
        receivers such as Google's validator read rings as planar in those longitudes)."""
        return [" ".join(f"{_fmt(lat)},{_fmt(lon)}" for lon, lat in part) for part in self.parts()]

    def parts(self) -> list[list[tuple[float, float]]]:
        """Closed rings of (lon, lat) with every longitude in [-180, 180], that together cover
        this polygon; a part too thin to keep its shape at CAP's precision is left out."""
        pts = self._planar()
        low = min(x for x, _ in pts)
        if low < -180:
            pts = [(x + 360, y) for x, y in pts]
        if max(x for x, _ in pts) <= 180:
            return [[(_cap_round(x), _cap_round(y)) for x, y in pts]]
        parts = []
        for west, shift in ((True, 0.0), (False, -360.0)):
            for part in _split(pts, 180.0, west=west):
                ring = [(_cap_round(x + shift), _cap_round(y)) for x, y in part]
                ring = [p for i, p in enumerate(ring) if i == 0 or p != ring[i - 1]]
                if _thick(ring):
                    parts.append(ring)
        return parts


def _local(lon: float, lat: float, origin: Point, scale: float) -> tuple[float, float]:
    dlon = lon - origin.lon
    while dlon > 180:
        dlon -= 360
    while dlon < -180:
        dlon += 360
    km_per_degree = math.pi * geo.EARTH_RADIUS_KM / 180
    return dlon * scale * km_per_degree, (lat - origin.lat) * km_per_degree


#: Decimals of the coordinates CAP messages carry (Google Public Alerts: at most 6).
CAP_DECIMALS = 6


def _cap_round(value: float) -> float:
    return round(value, CAP_DECIMALS) + 0.0


def _thick(ring: list[tuple[float, float]]) -> bool:
    """Whether a closed ring still has 3 distinct points and encloses an area."""
    if len(set(ring[:-1])) < 3:
        return False
    area2 = sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1] for i in range(len(ring) - 1))
    return abs(area2) >= 1e-12


def _split(pts: list[tuple[float, float]], line: float, *, west: bool) -> list[list[tuple[float, float]]]:
    """The parts of a simple closed ring (planar (x, y)) on one side of the vertical ``x = line``
    (``west``: x <= line), as closed rings. The ring is cut where it crosses the line; each run
    of the ring on the wanted side is joined to the next along the line, between the crossings
    that bound the same stretch of the line inside the polygon (crossings sorted along the line
    alternate entering and leaving, as in any simple polygon)."""

    def on_west(point: tuple[float, float]) -> bool:
        return point[0] <= line

    ring = pts[:-1]
    # The ring with every crossing inserted: (point, crossing number or None).
    walk: list[tuple[tuple[float, float], int | None]] = []
    crossings: list[tuple[float, float]] = []
    for i, a in enumerate(ring):
        b = ring[(i + 1) % len(ring)]
        walk.append((a, None))
        if on_west(a) != on_west(b):
            t = (line - a[0]) / (b[0] - a[0])
            walk.append(((line, a[1] + t * (b[1] - a[1])), len(crossings)))
            crossings.append((line, a[1] + t * (b[1] - a[1])))
    if not crossings:
        return [pts] if on_west(ring[0]) == west else []
    # Runs: from one crossing to the next, with the vertices between (all on one side).
    first = next(i for i, (_, c) in enumerate(walk) if c is not None)
    walk = walk[first:] + walk[:first]
    runs: dict[int, tuple[list[tuple[float, float]], int]] = {}  # start crossing -> (points, end)
    current: list[tuple[float, float]] = [walk[0][0]]
    start = walk[0][1]
    assert start is not None
    for point, crossing in [*walk[1:], walk[0]]:
        current.append(point)
        if crossing is not None:
            inner = current[1:-1]
            side = on_west(inner[0]) if inner else on_west(current[0])
            if inner and side == west:
                runs[start] = (current, crossing)
            start, current = crossing, [point]
    # Crossings paired along the line: each pair bounds a stretch of the line inside the polygon.
    order = sorted(range(len(crossings)), key=lambda k: crossings[k][1])
    partner = {}
    for k in range(0, len(order) - 1, 2):
        partner[order[k]], partner[order[k + 1]] = order[k + 1], order[k]
    parts = []
    while runs:
        begin, (points, end) = runs.popitem()
        part = list(points)
        for _ in range(len(crossings)):
            joined = partner.get(end)
            if joined is None or joined == begin or joined not in runs:
                break
            more, end = runs.pop(joined)
            part += more
        part.append(part[0])
        parts.append(part)
    return parts


def _fmt(value: float) -> str:
    """At most 6 decimals, no trailing zeros (Google Public Alerts rule)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


Area = Circle | Polygon


def intersects(a: Area, b: Area) -> bool:
    """Whether two areas overlap (exact for circles, vertex/edge tests for polygons)."""
    if isinstance(a, Circle) and isinstance(b, Circle):
        return geo.distance_km(a.centre, b.centre) <= a.radius_km + b.radius_km
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


def area_from_dict(data: dict[str, object]) -> Area:
    if data.get("type") == "circle":
        return Circle(Point(float(data["lat"]), float(data["lon"])), float(data["radius_km"]))  # type: ignore[arg-type]
    points = data["points"]
    assert isinstance(points, list)
    return Polygon(tuple(Point(float(lat), float(lon)) for lat, lon in points))


def area_to_dict(area: Area) -> dict[str, object]:
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
    """The shapes of an area written as :func:`area_view` writes it."""
    if "shapes" in view:  # summaries stored before areas had one shape
        return [area_from_dict(shape) for shape in view["shapes"]]
    polygons: list[Area] = [
        Polygon(tuple(Point(float(lat), float(lon)) for lon, lat in ring))
        for ring in view.get("polygons", [])
    ]
    circles: list[Area] = [
        Circle(Point(float(c["center"][1]), float(c["center"][0])), float(c["radius_km"]))
        for c in view.get("circles", [])
    ]
    return polygons + circles
