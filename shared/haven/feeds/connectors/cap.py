"""CAP 1.2 alert feeds: an Atom or RSS feed whose entries embed ``<alert>`` documents, or a
single ``<alert>``.

An alert is identified by ``sender`` + ``identifier`` and dated by ``sent``; an ``Update``
carries a new identifier, so each message is an item. The position is the centre of the first
``circle`` or ``polygon`` of its areas; the ``areaDesc`` are place names.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from xml.etree.ElementTree import Element

from haven.feeds.connectors import FeedFormatError, FeedItem, Page, Query, Request
from haven.feeds.connectors._formats import iso_time, newer_than, plain_text, point, xml_root
from haven.feeds.connectors.rss import ATOM
from haven.geo import Point

CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"


def alerts(root: Element) -> Iterator[Element]:
    if root.tag == f"{CAP}alert":
        yield root
        return
    if root.tag not in ("rss", f"{ATOM}feed"):
        raise FeedFormatError("neither a CAP alert nor an Atom or RSS feed of them")
    found = list(root.iter(f"{CAP}alert"))
    entries = list(root.iter(f"{ATOM}entry")) + list(root.iter("item"))
    if len(found) < len(entries):
        raise FeedFormatError("an entry carries no CAP 1.2 alert")
    yield from found


def _text(element: Element, name: str) -> str | None:
    found = element.find(f"{CAP}{name}")
    return found.text.strip() if found is not None and found.text else None


def area_point(area: Element) -> Point | None:
    """The centre of the area's first circle, else of its first polygon's vertices."""
    circle = _text(area, "circle")
    if circle:
        centre = circle.split()[0].split(",")
        return point(centre[0], centre[1]) if len(centre) == 2 else None
    polygon = _text(area, "polygon")
    pairs = [p.split(",") for p in (polygon or "").split()]
    if not pairs or any(len(p) != 2 for p in pairs):
        return None
    try:
        lats, lons = [float(p[0]) for p in pairs], [float(p[1]) for p in pairs]
    except ValueError:
        return None
    return point((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)


class CapConnector:
    needs_query = False
    needs_credentials = False

    def request(self, query: Query, cursor: str | None, page: str | None) -> Request:
        return Request(
            query.url, {"Accept": "application/atom+xml, application/rss+xml, application/cap+xml"}
        )

    def parse(self, body: bytes, headers: Mapping[str, str], cursor: str | None) -> Page:
        return newer_than([self.item(a) for a in alerts(xml_root(body))], cursor)

    def item(self, alert: Element) -> FeedItem:
        identifier, sender = _text(alert, "identifier"), _text(alert, "sender")
        if not identifier or not sender:
            raise FeedFormatError("an alert has no identifier or sender")
        infos = alert.findall(f"{CAP}info")
        areas = [a for info in infos for a in info.findall(f"{CAP}area")]
        text = [
            t
            for info in infos
            for t in (_text(info, "event"), _text(info, "headline"), _text(info, "description"))
        ]
        return FeedItem(
            native_id=f"{sender},{identifier}",
            updated_at=iso_time(_text(alert, "sent"), "sent"),
            text=plain_text(*text),
            point=next((p for p in map(area_point, areas) if p is not None), None),
            places=tuple(d for d in (_text(a, "areaDesc") for a in areas) if d),
        )
