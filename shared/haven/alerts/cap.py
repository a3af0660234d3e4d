"""CAP 1.2 messages (OASIS Common Alerting Protocol), rendered as XML.

Rendering follows the schema's element order and the stricter Google Public Alerts rules:
``expires``, ``description``, an absolute ``web`` and ``area`` in every ``info``; ``sent`` and
other times with a numeric offset (``+00:00``, never ``Z``) and no fractions of seconds;
identifiers and sender without spaces, commas, ``<`` or ``&``; at most 6 decimals in coordinates.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from haven.alerts.geometry import circle_cap, polygon_cap
from haven.areas import Circle, Polygon
from haven.geo import Point

NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
CAP_XML = "application/cap+xml"

STATUSES = ("Actual", "Exercise", "Test", "Draft")
CATEGORIES = (
    "Geo",
    "Met",
    "Safety",
    "Security",
    "Rescue",
    "Fire",
    "Health",
    "Env",
    "Transport",
    "Infra",
    "CBRNE",
    "Other",
)
RESPONSE_TYPES = (
    "Shelter",
    "Evacuate",
    "Prepare",
    "Execute",
    "Avoid",
    "Monitor",
    "Assess",
    "AllClear",
    "None",
)
URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")

#: Characters CAP (and Google's rules) forbid in identifiers and the sender.
_FORBIDDEN = re.compile(r"[\s,<&]")


class MsgType(StrEnum):
    ALERT = "Alert"
    UPDATE = "Update"
    CANCEL = "Cancel"


def cap_time(moment: datetime) -> str:
    """``2026-11-28T14:02:11+00:00``: numeric offset, whole seconds."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def check_token(value: str, what: str) -> str:
    if not value or _FORBIDDEN.search(value):
        raise ValueError(f"{what} must not be empty or contain spaces, commas, '<' or '&'")
    return value


@dataclass(frozen=True)
class AreaBlock:
    description: str
    polygons: tuple[Polygon, ...] = ()
    circles: tuple[Circle, ...] = ()


@dataclass(frozen=True)
class Info:
    language: str
    categories: tuple[str, ...]
    event: str
    urgency: str
    severity: str
    certainty: str
    expires: datetime
    headline: str
    description: str
    areas: tuple[AreaBlock, ...]
    response_types: tuple[str, ...] = ()
    effective: datetime | None = None
    onset: datetime | None = None
    sender_name: str | None = None
    instruction: str | None = None
    web: str | None = None
    contact: str | None = None


@dataclass(frozen=True)
class Reference:
    sender: str
    identifier: str
    sent: datetime

    def cap(self) -> str:
        return f"{self.sender},{self.identifier},{cap_time(self.sent)}"


@dataclass(frozen=True)
class CapMessage:
    identifier: str
    sender: str
    sent: datetime
    status: str
    msg_type: MsgType
    infos: tuple[Info, ...]
    references: tuple[Reference, ...] = field(default=())
    note: str | None = None

    def __post_init__(self) -> None:
        check_token(self.identifier, "identifier")
        check_token(self.sender, "sender")
        if self.msg_type is not MsgType.ALERT and not self.references:
            raise ValueError("Update and Cancel messages must reference earlier messages")
        if not self.infos or any(not info.web for info in self.infos):
            raise ValueError("every info must link a page for the public (web)")


def _add(parent: ET.Element, tag: str, text: str | None) -> None:
    if text is not None:
        ET.SubElement(parent, tag).text = text


def to_xml(message: CapMessage) -> bytes:
    alert = ET.Element("alert", xmlns=NAMESPACE)
    _add(alert, "identifier", message.identifier)
    _add(alert, "sender", message.sender)
    _add(alert, "sent", cap_time(message.sent))
    _add(alert, "status", message.status)
    _add(alert, "msgType", message.msg_type.value)
    _add(alert, "scope", "Public")
    _add(alert, "note", message.note)
    if message.references:
        _add(alert, "references", " ".join(r.cap() for r in message.references))
    for info in message.infos:
        element = ET.SubElement(alert, "info")
        _add(element, "language", info.language)
        for category in info.categories:
            _add(element, "category", category)
        _add(element, "event", info.event)
        for response in info.response_types:
            _add(element, "responseType", response)
        _add(element, "urgency", info.urgency)
        _add(element, "severity", info.severity)
        _add(element, "certainty", info.certainty)
        _add(element, "effective", cap_time(info.effective) if info.effective else None)
        _add(element, "onset", cap_time(info.onset) if info.onset else None)
        _add(element, "expires", cap_time(info.expires))
        _add(element, "senderName", info.sender_name)
        _add(element, "headline", info.headline)
        _add(element, "description", info.description)
        _add(element, "instruction", info.instruction)
        _add(element, "web", info.web)
        _add(element, "contact", info.contact)
        for block in info.areas:
            area = ET.SubElement(element, "area")
            _add(area, "areaDesc", block.description)
            for polygon in block.polygons:
                for ring in polygon_cap(polygon):
                    _add(area, "polygon", ring)
            for circle in block.circles:
                _add(area, "circle", circle_cap(circle))
    ET.indent(alert)
    body: bytes = ET.tostring(alert, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def info_to_dict(info: Info) -> dict[str, object]:
    def when(moment: datetime | None) -> str | None:
        return cap_time(moment) if moment else None

    return {
        "language": info.language,
        "categories": list(info.categories),
        "event": info.event,
        "urgency": info.urgency,
        "severity": info.severity,
        "certainty": info.certainty,
        "expires": cap_time(info.expires),
        "headline": info.headline,
        "description": info.description,
        "response_types": list(info.response_types),
        "effective": when(info.effective),
        "onset": when(info.onset),
        "sender_name": info.sender_name,
        "instruction": info.instruction,
        "web": info.web,
        "contact": info.contact,
        "areas": [
            {
                "description": block.description,
                "polygons": [[[p.lat, p.lon] for p in polygon.ring] for polygon in block.polygons],
                "circles": [
                    {"lat": c.centre.lat, "lon": c.centre.lon, "radius_km": c.radius_km}
                    for c in block.circles
                ],
            }
            for block in info.areas
        ],
    }


def info_from_dict(data: dict[str, Any]) -> Info:
    def when(text: str | None) -> datetime | None:
        return datetime.fromisoformat(text) if text else None

    return Info(
        language=data["language"],
        categories=tuple(data["categories"]),
        event=data["event"],
        urgency=data["urgency"],
        severity=data["severity"],
        certainty=data["certainty"],
        expires=datetime.fromisoformat(data["expires"]),
        headline=data["headline"],
        description=data["description"],
        response_types=tuple(data["response_types"]),
        effective=when(data["effective"]),
        onset=when(data["onset"]),
        sender_name=data["sender_name"],
        instruction=data["instruction"],
        web=data["web"],
        contact=data["contact"],
        areas=tuple(
            AreaBlock(
                block["description"],
                polygons=tuple(
                    Polygon.stored(tuple(Point(lat, lon) for lat, lon in ring)) for ring in block["polygons"]
                ),
                circles=tuple(Circle(Point(c["lat"], c["lon"]), c["radius_km"]) for c in block["circles"]),
            )
            for block in data["areas"]
        ),
    )
