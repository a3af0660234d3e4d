"""The connector of each feed type."""

from __future__ import annotations

from haven.feeds.connectors import Connector
from haven.feeds.connectors.bluesky import BlueskyConnector
from haven.feeds.connectors.cap import CapConnector
from haven.feeds.connectors.ea_floods import EaFloodsConnector
from haven.feeds.connectors.gdacs import GdacsConnector, GdacsEventsConnector
from haven.feeds.connectors.geojson import GeoJsonConnector, UsgsConnector
from haven.feeds.connectors.mastodon import MastodonConnector
from haven.feeds.connectors.rss import RssConnector
from haven.feeds.connectors.x import XConnector

CONNECTORS: dict[str, Connector] = {
    "usgs": UsgsConnector(),
    "gdacs": GdacsConnector(),
    "gdacs_events": GdacsEventsConnector(),
    "ea_floods": EaFloodsConnector(),
    "cap": CapConnector(),
    "rss": RssConnector(),
    "geojson": GeoJsonConnector(),
    "mastodon": MastodonConnector(),
    "bluesky": BlueskyConnector(),
    "x": XConnector(),
}
