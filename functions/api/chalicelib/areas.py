"""The one area object of the API, taken by alerts, subscriptions and feed sources alike.

An area is a set of shapes::

    {"polygons": [[[lon, lat], [lon, lat], [lon, lat], [lon, lat]]],
     "circles": [{"center": [lon, lat], "radius_km": 2.5}]}

Positions are GeoJSON positions (RFC 7946 §3.1.1): **longitude first, then latitude**, in WGS 84
degrees. A polygon is one closed linear ring (the first position repeated last, at least four
positions, not crossing itself; it may cross the antimeridian). CAP has no holes, so neither do
these rings. Alerts take up to 20 polygons and 20 circles per area and describe each area;
subscriptions and feed sources watch exactly one shape. Only the radius bound differs between
uses, and each operation's schema states it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from pydantic import ConfigDict, Field, model_validator

from chalicelib.fields import AlertRadiusKm, FeedRadiusKm, Latitude, Longitude, SubscriptionRadiusKm
from chalicelib.http import Strict
from haven.areas import MAX_POLYGON_POINTS, Area, Circle, GeometryError, Polygon
from haven.errors import FieldError, ValidationFailed
from haven.geo import Point

#: A GeoJSON position: [longitude, latitude].
Position = Annotated[
    tuple[Longitude, Latitude], Field(description="[longitude, latitude] in degrees (GeoJSON order)")
]
#: A closed ring: the first position repeated last.
Ring = Annotated[
    list[Position],
    Field(
        min_length=4,
        max_length=MAX_POLYGON_POINTS,
        description="a closed ring: the first position repeated last",
    ),
]


class AlertCircle(Strict):
    center: Position
    radius_km: AlertRadiusKm


class SubscriptionCircle(Strict):
    center: Position
    radius_km: SubscriptionRadiusKm


class FeedCircle(Strict):
    center: Position
    radius_km: FeedRadiusKm


_Circle = AlertCircle | SubscriptionCircle | FeedCircle


def _shapes(
    polygons: Sequence[list[tuple[float, float]]], circles: Sequence[_Circle], field: str
) -> tuple[list[Polygon], list[Circle]]:
    """The domain's shapes; a ring that is not a simple closed polygon is refused at
    ``{field}.polygons.{n}``."""
    rings = []
    for n, ring in enumerate(polygons):
        try:
            rings.append(Polygon(tuple(Point(lat, lon) for lon, lat in ring)))
        except GeometryError as error:
            raise ValidationFailed([FieldError(f"{field}.polygons.{n}", str(error))]) from None
    discs = []
    for n, circle in enumerate(circles):
        lon, lat = circle.center
        try:
            discs.append(Circle(Point(lat, lon), circle.radius_km))
        except GeometryError as error:
            raise ValidationFailed([FieldError(f"{field}.circles.{n}.radius_km", str(error))]) from None
    return rings, discs


#: What the validators below require, stated in the contract too.
_SOME_SHAPE = {
    "anyOf": [
        {"required": ["polygons"], "properties": {"polygons": {"minItems": 1}}},
        {"required": ["circles"], "properties": {"circles": {"minItems": 1}}},
    ]
}
_ONE_SHAPE = {
    "oneOf": [
        {
            "required": ["polygons"],
            "properties": {"polygons": {"minItems": 1}, "circles": {"maxItems": 0}},
        },
        {
            "required": ["circles"],
            "properties": {"circles": {"minItems": 1}, "polygons": {"maxItems": 0}},
        },
    ]
}


class AlertArea(Strict):
    """An area of an alert (a CAP ``<area>``): described, with one or more shapes."""

    model_config = ConfigDict(json_schema_extra=_SOME_SHAPE)

    description: str = Field(min_length=1, max_length=500)
    polygons: list[Ring] = Field(default_factory=list, max_length=20)
    circles: list[AlertCircle] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _some_shape(self) -> AlertArea:
        if not self.polygons and not self.circles:
            raise ValueError("an area needs at least one polygon or circle")
        return self

    def shapes(self, field: str) -> tuple[list[Polygon], list[Circle]]:
        return _shapes(self.polygons, self.circles, field)


def _one_shape(polygons: Sequence[list[tuple[float, float]]], circles: Sequence[_Circle], field: str) -> Area:
    rings, discs = _shapes(polygons, circles, field)
    shapes: list[Area] = [*rings, *discs]
    if len(shapes) != 1:
        raise ValidationFailed([FieldError(field, "give exactly one shape: one polygon or one circle")])
    return shapes[0]


class SubscriptionArea(Strict):
    """The area a subscription watches: one polygon or one circle (radius up to 100 km)."""

    model_config = ConfigDict(json_schema_extra=_ONE_SHAPE)

    polygons: list[Ring] = Field(default_factory=list, max_length=1)
    circles: list[SubscriptionCircle] = Field(default_factory=list, max_length=1)

    def shape(self, field: str) -> Area:
        return _one_shape(self.polygons, self.circles, field)


class FeedArea(Strict):
    """A feed source's area of interest: one polygon or one circle (radius up to 1000 km)."""

    model_config = ConfigDict(json_schema_extra=_ONE_SHAPE)

    polygons: list[Ring] = Field(default_factory=list, max_length=1)
    circles: list[FeedCircle] = Field(default_factory=list, max_length=1)

    def shape(self, field: str) -> Area:
        return _one_shape(self.polygons, self.circles, field)
