"""GDACS alerts RSS (https://www.gdacs.org/xml/rss.xml): RSS items with ``gdacs:`` fields.

An event is identified by ``gdacs:eventtype`` + ``gdacs:eventid``; its episodes revise it
(``gdacs:datemodified``), so a new episode updates the item rather than adding one.
"""

from __future__ import annotations

from collections.abc import Mapping
from xml.etree.ElementTree import Element

from haven.feeds.connectors import FeedFormatError, FeedItem, Page, Query, Request
from haven.feeds.connectors._formats import newer_than, plain_text, rfc822_time, xml_root
from haven.feeds.connectors.rss import entries, position, text_of

GDACS = "{http://www.gdacs.org}"

#: GDACS event types in the words the classifier's lexicons know.
EVENT_TYPES = {
    "EQ": "earthquake",
    "TC": "tropical cyclone storm",
    "FL": "flood",
    "VO": "volcano eruption",
    "DR": "drought",
    "WF": "wildfire",
    "TS": "tsunami",
}


class GdacsConnector:
    official = True
    needs_credentials = False

    def request(self, query: Query, cursor: str | None, page: str | None) -> Request:
        return Request(query.url, {"Accept": "application/rss+xml, application/xml"})

    def parse(self, body: bytes, headers: Mapping[str, str], cursor: str | None) -> Page:
        return newer_than([self.item(e) for e, _ in entries(xml_root(body))], cursor)

    def item(self, element: Element) -> FeedItem:
        event_type = text_of(element, f"{GDACS}eventtype")
        event_id = text_of(element, f"{GDACS}eventid")
        if not event_type or not event_id:
            raise FeedFormatError("an item has no gdacs:eventtype or gdacs:eventid")
        modified = text_of(element, f"{GDACS}datemodified") or text_of(element, "pubDate")
        country = text_of(element, f"{GDACS}country")
        return FeedItem(
            native_id=f"{event_type}{event_id}",
            updated_at=rfc822_time(modified, "gdacs:datemodified"),
            text=plain_text(
                EVENT_TYPES.get(event_type, event_type),
                text_of(element, "title"),
                text_of(element, "description"),
            ),
            point=position(element),
            places=tuple(p.strip() for p in (country or "").split(",") if p.strip()),
            link=text_of(element, "link"),
        )
