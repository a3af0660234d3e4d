"""UK Environment Agency flood warnings (``/flood-monitoring/id/floods``, JSON-LD).

Each item is a warning on one flood area, identified by ``floodAreaID`` and revised when its
message changes (``timeMessageChanged``). Warnings carry no coordinates: the area's county and
description are place names, and the country is England.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from haven.feeds.connectors import FeedFormatError, FeedItem, Page, Query, Request
from haven.feeds.connectors._formats import iso_time, json_list, json_object, mapping, newer_than, plain_text


class EaFloodsConnector:
    needs_query = False
    needs_credentials = False

    def request(self, query: Query, cursor: str | None, page: str | None) -> Request:
        return Request(query.url, {"Accept": "application/json"})

    def parse(self, body: bytes, headers: Mapping[str, str], cursor: str | None) -> Page:
        return newer_than([self.item(i) for i in json_list(json_object(body, "items"), "items")], cursor)

    def item(self, warning: dict[str, Any]) -> FeedItem:
        area_id = warning.get("floodAreaID")
        if not isinstance(area_id, str) or not area_id:
            raise FeedFormatError("a warning has no floodAreaID")
        area = mapping(warning.get("floodArea"))
        places = [area.get("county"), warning.get("description"), "United Kingdom"]
        return FeedItem(
            native_id=area_id,
            updated_at=iso_time(warning.get("timeMessageChanged"), "timeMessageChanged"),
            text=plain_text(
                "flood",
                *(
                    warning.get(k)
                    for k in ("severity", "description", "message")
                    if isinstance(warning.get(k), str)
                ),
            ),
            places=tuple(p for p in places if isinstance(p, str) and p),
            link=warning.get("@id") if isinstance(warning.get("@id"), str) else None,
        )
