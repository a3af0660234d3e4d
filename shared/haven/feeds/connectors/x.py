"""X API v2 recent search: ``GET /2/tweets/search/recent`` with a bearer token.

The persisted cursor is ``since_id`` (``meta.newest_id`` of the first page); the pages of one
poll are followed with ``meta.next_token``. Places come from ``includes.places`` (``full_name``,
``country``, the centre of ``geo.bbox``); exact coordinates from ``geo.coordinates``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from haven.feeds.connectors import FeedFormatError, FeedItem, Page, Query, Request
from haven.feeds.connectors._formats import (
    geojson_point,
    iso_time,
    json_list,
    json_object,
    mapping,
    plain_text,
    point,
)
from haven.geo import Point

PAGE_SIZE = 100


def _place_point(place: dict[str, Any]) -> Point | None:
    bbox = mapping(place.get("geo")).get("bbox")
    if isinstance(bbox, list) and len(bbox) == 4 and all(isinstance(v, int | float) for v in bbox):
        west, south, east, north = bbox
        return point((south + north) / 2, (west + east) / 2)
    return None


def _tweet(tweet: dict[str, Any], places: dict[str, dict[str, Any]]) -> FeedItem:
    tweet_id = tweet.get("id")
    if not isinstance(tweet_id, str) or not tweet_id.isdigit():
        raise FeedFormatError("a post has no id")
    geo = mapping(tweet.get("geo"))
    place = places.get(str(geo.get("place_id")), {})
    names = tuple(n for n in (place.get("full_name"), place.get("country")) if isinstance(n, str))
    return FeedItem(
        native_id=tweet_id,
        updated_at=iso_time(tweet.get("created_at"), "created_at"),
        text=plain_text(tweet.get("text") if isinstance(tweet.get("text"), str) else None),
        point=geojson_point(geo.get("coordinates")) or _place_point(place),
        places=names,
    )


class XConnector:
    needs_query = True
    needs_credentials = True

    def request(self, query: Query, cursor: str | None, page: str | None) -> Request:
        if not query.query:
            raise FeedFormatError("an X source needs a search query")
        params = {
            "query": query.query,
            "max_results": str(PAGE_SIZE),
            "tweet.fields": "created_at,geo,lang",
            "expansions": "geo.place_id",
            "place.fields": "full_name,country,geo",
            **({"since_id": cursor} if cursor else {}),
            **({"next_token": page} if page else {}),
        }
        url = f"{query.url.rstrip('/')}/2/tweets/search/recent?{urlencode(params)}"
        return Request(url, {"Accept": "application/json"})

    def parse(self, body: bytes, headers: Mapping[str, str], cursor: str | None) -> Page:
        document = json_object(body, "meta")
        meta = document["meta"]
        if not isinstance(meta, dict):
            raise FeedFormatError("meta is not an object")
        includes = mapping(document.get("includes"))
        places = {str(p.get("id")): p for p in json_list({"places": includes.get("places", [])}, "places")}
        tweets = json_list(document, "data") if "data" in document else []
        newest = meta.get("newest_id")
        more = meta.get("next_token")
        return Page(
            [_tweet(t, places) for t in tweets],
            newest if isinstance(newest, str) else None,
            more if isinstance(more, str) else None,
        )
