"""Generic RSS 2.0 and Atom (RFC 4287) feeds, with GeoRSS or W3C geo positions.

RSS items are identified by ``guid`` (else ``link``) and dated by ``pubDate`` (RFC 822); Atom
entries by ``id`` and ``updated``. A position is read from ``georss:point`` ("lat lon") or
``geo:lat`` / ``geo:long``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from xml.etree.ElementTree import Element

from haven.feeds.connectors import FeedFormatError, FeedItem, Page, Query, Request
from haven.feeds.connectors._formats import (
    georss_point,
    iso_time,
    newer_than,
    plain_text,
    point,
    rfc822_time,
    xml_root,
)
from haven.geo import Point

ATOM = "{http://www.w3.org/2005/Atom}"
GEORSS = "{http://www.georss.org/georss}"
GEO = "{http://www.w3.org/2003/01/geo/wgs84_pos#}"


def text_of(element: Element, path: str) -> str | None:
    found = element.find(path)
    return found.text.strip() if found is not None and found.text else None


def position(element: Element) -> Point | None:
    return georss_point(text_of(element, f"{GEORSS}point")) or point(
        text_of(element, f".//{GEO}lat"), text_of(element, f".//{GEO}long")
    )


def entries(root: Element) -> Iterator[tuple[Element, bool]]:
    """Each RSS ``item`` or Atom ``entry`` with whether it is Atom."""
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise FeedFormatError("RSS without a channel")
        yield from ((item, False) for item in channel.iter("item"))
    elif root.tag == f"{ATOM}feed":
        yield from ((entry, True) for entry in root.iter(f"{ATOM}entry"))
    else:
        raise FeedFormatError("neither RSS nor Atom")


def item_id(element: Element, atom: bool) -> str:
    native_id = (
        text_of(element, f"{ATOM}id") if atom else text_of(element, "guid") or text_of(element, "link")
    )
    if not native_id:
        raise FeedFormatError("an entry has no id")
    return native_id


class RssConnector:
    needs_query = False
    needs_credentials = False

    def request(self, query: Query, cursor: str | None, page: str | None) -> Request:
        return Request(query.url, {"Accept": "application/rss+xml, application/atom+xml, application/xml"})

    def parse(self, body: bytes, headers: Mapping[str, str], cursor: str | None) -> Page:
        return newer_than([self.item(e, atom) for e, atom in entries(xml_root(body))], cursor)

    def item(self, element: Element, atom: bool) -> FeedItem:
        if atom:
            updated = iso_time(text_of(element, f"{ATOM}updated"), "updated")
            summary = text_of(element, f"{ATOM}summary") or text_of(element, f"{ATOM}content")
            text = plain_text(text_of(element, f"{ATOM}title"), summary)
            link_element = element.find(f"{ATOM}link")
            link = link_element.get("href") if link_element is not None else None
        else:
            updated = rfc822_time(text_of(element, "pubDate"), "pubDate")
            text = plain_text(text_of(element, "title"), text_of(element, "description"))
            link = text_of(element, "link")
        return FeedItem(item_id(element, atom), updated, text, position(element), link=link)
