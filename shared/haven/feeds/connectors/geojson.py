"""Generic GeoJSON feeds and the USGS earthquake summary feeds (a GeoJSON dialect).

USGS (https://earthquake.usgs.gov/earthquakes/feed/v1.0/geojson.php): a FeatureCollection
whose features carry ``id``, ``properties.updated`` (ms since the epoch, changes when the
magnitude or location is revised), ``title``, ``place``, ``type`` and a Point geometry.
Generic feeds: features with an ``id``, a ``properties.updated`` (or ``time``) in ISO 8601 or
milliseconds, a ``title`` / ``name`` / ``description`` and any geometry.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from haven.feeds.connectors import FeedFormatError, FeedItem, Page, Query, Request
from haven.feeds.connectors._formats import (
    epoch_ms_time,
    geojson_point,
    iso_time,
    json_list,
    json_object,
    newer_than,
    plain_text,
)


def feature_collection(body: bytes) -> list[dict[str, Any]]:
    document = json_object(body, "type", "features")
    if document["type"] != "FeatureCollection":
        raise FeedFormatError("not a FeatureCollection")
    return json_list(document, "features")


def feature_properties(feature: dict[str, Any]) -> dict[str, Any]:
    properties = feature.get("properties")
    if not isinstance(properties, dict):
        raise FeedFormatError("a feature has no properties")
    return properties


def _time(value: object, what: str) -> datetime:
    return epoch_ms_time(value, what) if isinstance(value, int | float) else iso_time(value, what)


class GeoJsonConnector:
    needs_query = False
    needs_credentials = False

    def request(self, query: Query, cursor: str | None, page: str | None) -> Request:
        return Request(query.url, {"Accept": "application/geo+json, application/json"})

    def parse(self, body: bytes, headers: Mapping[str, str], cursor: str | None) -> Page:
        return newer_than([self.item(f) for f in feature_collection(body)], cursor)

    def item(self, feature: dict[str, Any]) -> FeedItem:
        properties = feature_properties(feature)
        native_id = feature.get("id") or properties.get("id")
        if not isinstance(native_id, str | int) or native_id == "":
            raise FeedFormatError("a feature has no id")
        updated = properties.get("updated", properties.get("time"))
        return FeedItem(
            native_id=str(native_id),
            updated_at=_time(updated, "properties.updated"),
            text=self.text(properties),
            point=geojson_point(feature.get("geometry")),
            link=properties.get("url") if isinstance(properties.get("url"), str) else None,
        )

    def text(self, properties: dict[str, Any]) -> str:
        return plain_text(
            *(
                properties.get(k)
                for k in ("title", "name", "description")
                if isinstance(properties.get(k), str)
            )
        )


class UsgsConnector(GeoJsonConnector):
    def text(self, properties: dict[str, Any]) -> str:
        # "earthquake: M 5.1 - 12 km SSW of Town": the event type names the hazard.
        kind = properties.get("type") if isinstance(properties.get("type"), str) else "earthquake"
        title = properties.get("title") if isinstance(properties.get("title"), str) else None
        if title is None:
            raise FeedFormatError("a feature has no title")
        return plain_text(f"{kind}: {title}")
