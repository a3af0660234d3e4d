"""Alert areas in CAP's notation: a circle as ``lat,lon radius``, a polygon as rings of
``lat,lon`` pairs, at most 6 decimals, no trailing zeros (Google Public Alerts' rules).

The shapes themselves (validation, containment, cells) are the shared kernel's, in
:mod:`haven.areas`.
"""

from __future__ import annotations

from haven.areas import Circle, Polygon, cap_round, ring_area2


def circle_cap(circle: Circle) -> str:
    return f"{_fmt(circle.centre.lat)},{_fmt(circle.centre.lon)} {_fmt(circle.radius_km)}"


def polygon_cap(polygon: Polygon) -> list[str]:
    """The CAP ``polygon`` values of this area: one ring, or, for a ring across the
    antimeridian, its parts east and west of it (CAP longitudes lie in [-180, 180] and
    receivers such as Google's validator read rings as planar in those longitudes)."""
    return [" ".join(f"{_fmt(lat)},{_fmt(lon)}" for lon, lat in part) for part in parts(polygon)]


def parts(polygon: Polygon) -> list[list[tuple[float, float]]]:
    """Closed rings of (lon, lat) with every longitude in [-180, 180], that together cover
    this polygon; a part too thin to keep its shape at CAP's precision is left out."""
    pts = polygon.planar()
    low = min(x for x, _ in pts)
    if low < -180:
        pts = [(x + 360, y) for x, y in pts]
    if max(x for x, _ in pts) <= 180:
        return [[(cap_round(x), cap_round(y)) for x, y in pts]]
    found = []
    for west, shift in ((True, 0.0), (False, -360.0)):
        for part in _split(pts, 180.0, west=west):
            ring = [(cap_round(x + shift), cap_round(y)) for x, y in part]
            ring = [p for i, p in enumerate(ring) if i == 0 or p != ring[i - 1]]
            if _thick(ring):
                found.append(ring)
    return found


def _thick(ring: list[tuple[float, float]]) -> bool:
    """Whether a closed ring still has 3 distinct points and encloses an area."""
    return len(set(ring[:-1])) >= 3 and abs(ring_area2(ring)) >= 1e-12


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
