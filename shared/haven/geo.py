"""Geographic kernel: points and cells on the H3 grid.

Spatial lookups in Haven are Queries on H3 cells: an item is stored under the cell that holds
it (at a resolution chosen per access pattern), and a search around a point Queries the few
cells of a disk around it, then filters by exact distance. No Scan, whatever the table size.
The areas the domains share (bounding boxes, circles, polygons) are in :mod:`haven.areas`:
a worker that handles points only (triage) does not load them."""

from __future__ import annotations

import importlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from types import ModuleType

EARTH_RADIUS_KM = 6371.0088


@cache
def _h3() -> ModuleType:
    """The H3 library, loaded by the first grid operation (then looked up once, not per call):
    most importers want only ``Point`` (ADR 0046)."""
    return importlib.import_module("h3")


#: H3's average hexagon edge length in km at each resolution, 0 to 15 (its documented table, as
#: ``h3.average_hexagon_edge_length`` returns it: a unit test holds them equal). A table, so that
#: sizing a disk or choosing a resolution, as the hazard profiles do at import, loads no H3.
AVERAGE_EDGE_KM: tuple[float, ...] = (
    1281.256011,
    483.0568391,
    182.5129565,
    68.97922179,
    26.07175968,
    9.85409099,
    3.724532667,
    1.406475763,
    0.53141401,
    0.200786148,
    0.075863783,
    0.028663897,
    0.010830188,
    0.00409201,
    0.0015461,
    0.000584169,
)


def edge_km(resolution: int) -> float:
    """H3's average hexagon edge length in km at ``resolution`` (0 to 15)."""
    return AVERAGE_EDGE_KM[resolution]


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
    step = 0.7 * math.sqrt(3) * edge_km(resolution)
    return int(max(1, math.ceil(radius_km / step) + 1))


def cells_within(point: Point, radius_km: float, resolution: int) -> list[str]:
    """The cells to Query to find every item within ``radius_km`` of ``point``.

    Cells of the disk whose centre is within the radius plus a cell's circumradius (a hexagon's
    circumradius is its edge; 1.3 covers H3's larger cells): a superset of the cells the circle
    touches, tight even for circles much smaller than a cell. Callers filter by exact distance.
    """
    reach = radius_km + 1.3 * edge_km(resolution)
    disk = _h3().grid_disk(cell(point, resolution), rings_for_radius(radius_km, resolution))
    return sorted(c for c in disk if distance_km(point, cell_center(c)) <= reach)


def cells_in_ring(ring: Sequence[Point], resolution: int) -> list[str]:
    """The cells whose centres lie inside a ring of points (its last point not repeated)."""
    shape = _h3().LatLngPoly([(p.lat, p.lon) for p in ring])
    return [str(c) for c in _h3().h3shape_to_cells(shape, resolution)]


def neighbours(cell_id: str) -> list[str]:
    """The cells around ``cell_id`` (its 1-ring, without it), sorted: 6, or 5 at a pentagon."""
    return sorted(str(c) for c in _h3().grid_disk(cell_id, 1) if c != cell_id)


def coarsen(point: Point, resolution: int = 7) -> Point:
    """The centre of the containing cell: hides an exact location (res 7 is about 1.2 km)."""
    return cell_center(cell(point, resolution))
