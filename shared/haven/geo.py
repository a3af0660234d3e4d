"""Geographic helpers on the H3 grid.

Spatial lookups in Haven are Queries on H3 cells: an item is stored under the cell that holds
it (at a resolution chosen per access pattern), and a search around a point Queries the few
cells of a disk around it, then filters by exact distance. No Scan, whatever the table size.
"""

from __future__ import annotations

import importlib
import math
from dataclasses import dataclass
from functools import cache
from types import ModuleType

EARTH_RADIUS_KM = 6371.0088


def _h3() -> ModuleType:
    """The H3 library, loaded by the first grid operation: most importers want only ``Point``
    (ADR 0046)."""
    return importlib.import_module("h3")


@cache
def _edge_km(resolution: int) -> float:
    """Average hexagon edge length in km at a resolution (H3 documentation), to size disks."""
    return float(_h3().average_hexagon_edge_length(resolution, unit="km"))


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not (-90.0 <= self.lat <= 90.0) or math.isnan(self.lat):
            raise ValueError("latitude must be between -90 and 90")
        if not (-180.0 <= self.lon <= 180.0) or math.isnan(self.lon):
            raise ValueError("longitude must be between -180 and 180")


def cell(point: Point, resolution: int) -> str:
    return str(_h3().latlng_to_cell(point.lat, point.lon, resolution))


def cell_center(cell_id: str) -> Point:
    lat, lon = _h3().cell_to_latlng(cell_id)
    return Point(lat, lon)


def distance_km(a: Point, b: Point) -> float:
    """Great-circle (haversine) distance; correct across the antimeridian and at the poles."""
    return float(_h3().great_circle_distance((a.lat, a.lon), (b.lat, b.lon), unit="km"))


def rings_for_radius(radius_km: float, resolution: int) -> int:
    """How many rings of cells around a centre cell are needed to cover ``radius_km``."""
    # Centre-to-centre distance between neighbours is about sqrt(3) * edge length; cells can be
    # smaller than average (down to about 0.7 of the average edge), so count with the short one.
    step = 0.7 * math.sqrt(3) * _edge_km(resolution)
    return int(max(1, math.ceil(radius_km / step) + 1))


def cells_within(point: Point, radius_km: float, resolution: int) -> list[str]:
    """The cells to Query to find every item within ``radius_km`` of ``point``.

    Cells of the disk whose centre is within the radius plus a cell's circumradius (a hexagon's
    circumradius is its edge; 1.3 covers H3's larger cells): a superset of the cells the circle
    touches, tight even for circles much smaller than a cell. Callers filter by exact distance.
    """
    reach = radius_km + 1.3 * _edge_km(resolution)
    disk = _h3().grid_disk(cell(point, resolution), rings_for_radius(radius_km, resolution))
    return sorted(c for c in disk if distance_km(point, cell_center(c)) <= reach)


def coarsen(point: Point, resolution: int = 7) -> Point:
    """The centre of the containing cell: hides an exact location (res 7 is about 1.2 km)."""
    return cell_center(cell(point, resolution))


def polygon_cells(ring: list[Point], resolution: int) -> list[str]:
    """Cells whose centres fall inside a polygon, plus the cells of its vertices (never empty)."""
    shape = _h3().LatLngPoly([(p.lat, p.lon) for p in ring])
    cells = set(_h3().h3shape_to_cells(shape, resolution))
    cells.update(cell(p, resolution) for p in ring)
    return sorted(cells)


def point_in_ring(point: Point, ring: list[Point]) -> bool:
    """Ray casting in lon/lat space; rings are small enough in practice for this to hold."""
    inside = False
    n = len(ring)
    for i in range(n):
        a, b = ring[i], ring[(i + 1) % n]
        if (a.lat > point.lat) != (b.lat > point.lat):
            cross = (b.lon - a.lon) * (point.lat - a.lat) / (b.lat - a.lat) + a.lon
            if point.lon < cross:
                inside = not inside
    return inside


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
