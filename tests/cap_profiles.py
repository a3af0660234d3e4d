"""The rules Google's CAP validator (google/cap-library) applies to a CAP 1.2 message, in Python.

Google Public Alerts' validator runs three things over a message: its extended CAP 1.2 schema
(the OASIS schema with patterns on identifiers, sender, references and circles), the checks of
the CAP specification that no schema can express (``CapValidator``), and the Google Public
Alerts profile (``GoogleProfile``). Maven Central is out of reach here, so each rule is written
again below from its statement, with the validator's own words as its message and the
validator's level (error, warning, recommendation, info). The OASIS schema itself is checked
separately with ``xmlschema`` (``standards/CAP-v1.2.xsd``).

Where the validator's behaviour and its comments disagree, the behaviour is followed: it compares
``<language>`` values whole (``en`` and ``en-GB`` differ) and counts a headline's length in
UTF-16 code units.

The IPAWS profile (``Ipaws1Profile``) is here too, so that the documentation's claims about
which IPAWS rules Haven meets are tested rather than asserted.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET

CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"


class Level(Enum):
    ERROR = "error"
    WARNING = "warning"
    RECOMMENDATION = "recommendation"
    INFO = "info"


@dataclass(frozen=True)
class Rule:
    code: str
    level: Level
    text: str


def _rule(code: str, level: Level, text: str) -> Rule:
    return Rule(code, level, text)


E, W, R, I = Level.ERROR, Level.WARNING, Level.RECOMMENDATION, Level.INFO  # noqa: E741

# --- the extended schema and the CAP specification (CapXmlParser, CapValidator) -------------
INVALID_IDENTIFIER = _rule(
    "INVALID_IDENTIFIER",
    E,
    "Invalid <identifier>. Must not include spaces, commas, or restricted characters (< and &).",
)
INVALID_SENDER = _rule(
    "INVALID_SENDER",
    E,
    "Invalid <sender>. Must not include spaces, commas, or restricted characters (< and &).",
)
INVALID_REFERENCES = _rule(
    "INVALID_REFERENCES",
    E,
    "Invalid <references>. Must be a non-empty, space-separated list of sender,identifier,sent triplets.",
)
INVALID_DATE = _rule("INVALID_DATE", E, 'Invalid date. Must be formatted like "2002-05-24T16:49:00-07:00".')
INVALID_CIRCLE = _rule(
    "INVALID_CIRCLE",
    E,
    'Invalid <circle>. Must be formatted like: "-12.345,67.89 15.2", which is a [WGS 84] coordinate '
    "followed by a radius in kilometers.",
)
INVALID_POLYGON = _rule(
    "INVALID_POLYGON",
    E,
    'Invalid <polygon>. Expect a minimum of four [WGS 84] coordinates like: "12.3,-4.2 12.3,-4.3 '
    '12.4,-4.3 12.3,-4.2", where the first and last coordinates are equal.',
)
INVALID_POLYGON_SELF_INTERSECTION = _rule(
    "INVALID_POLYGON_SELF_INTERSECTION", E, "Invalid <polygon>. The polygon edges must not intersect."
)
INVALID_LANGUAGE = _rule("INVALID_LANGUAGE", E, "Invalid <language>. Must follow RFC 3066.")
INVALID_WEB = _rule("INVALID_WEB", E, "Invalid <web>. Must be a full absolute URI.")
CIRCULAR_REFERENCE = _rule("CIRCULAR_REFERENCE", E, "Invalid <references>. Alert cannot reference itself.")
RESTRICTION_SCOPE_MISMATCH = _rule(
    "RESTRICTION_SCOPE_MISMATCH", E, "<restriction> should be used only when <scope> is Restricted."
)
INVALID_AREA = _rule(
    "INVALID_AREA", E, "Invalid <area>; when ceiling is specified altitude must also be specified."
)
INVALID_ALTITUDE_CEILING_RANGE = _rule(
    "INVALID_ALTITUDE_CEILING_RANGE", E, "Invalid <area>; ceiling must be greater than altitude."
)
POSTDATED_REFERENCE = _rule(
    "POSTDATED_REFERENCE", W, "Invalid <references>. Alert should not have have post-dated references."
)
SAME_TEXT_DIFFERENT_LANGUAGE = _rule(
    "SAME_TEXT_DIFFERENT_LANGUAGE",
    W,
    "Text appears in multiple <info> blocks but each specifies a different <language> field. "
    "Human-readable content in an <info> should be written in the same language as specified in "
    "the <language> field.",
)
TEXT_CONTAINS_HTML_ENTITIES = _rule(
    "TEXT_CONTAINS_HTML_ENTITIES",
    W,
    "Text contains HTML entities, which is discouraged as per section 3.3.3 of the CAP 1.2 specification.",
)
TEXT_CONTAINS_HTML_TAGS = _rule(
    "TEXT_CONTAINS_HTML_TAGS", W, "Text contains HTML tags, which is discouraged."
)

# --- the Google Public Alerts profile (GoogleProfile) ----------------------------------------
UPDATE_OR_CANCEL_MUST_REFERENCE = _rule(
    "UPDATE_OR_CANCEL_MUST_REFERENCE",
    E,
    'All related messages that have not yet expired must be referenced when an "Update" or "Cancel" '
    'is issued. This ensures that an "Update" or "Cancel" applies to at least one non-expired alert.',
)
CATEGORIES_MUST_MATCH = _rule(
    "CATEGORIES_MUST_MATCH", E, "All <info> blocks must contain the same <category>s."
)
EVENT_CODES_MUST_MATCH = _rule(
    "EVENT_CODES_MUST_MATCH", E, "All <info> blocks must contain the same <eventCode>s."
)
INFO_IS_REQUIRED = _rule("INFO_IS_REQUIRED", E, "At least one <info> must be present.")
DESCRIPTION_IS_REQUIRED = _rule("DESCRIPTION_IS_REQUIRED", E, "<description> must be present.")
WEB_IS_REQUIRED = _rule("WEB_IS_REQUIRED", E, "<web> must be present.")
EXPIRES_IS_REQUIRED = _rule("EXPIRES_IS_REQUIRED", E, "<expires> must be present.")
EFFECTIVE_NOT_AFTER_EXPIRES = _rule(
    "EFFECTIVE_NOT_AFTER_EXPIRES", E, "<effective> should not come after <expires>."
)
URGENCY_IS_REQUIRED = _rule("URGENCY_IS_REQUIRED", E, "<urgency> must be present.")
SEVERITY_IS_REQUIRED = _rule("SEVERITY_IS_REQUIRED", E, "<severity> must be present.")
CERTAINTY_IS_REQUIRED = _rule("CERTAINTY_IS_REQUIRED", E, "<certainty> must be present.")
AREA_IS_REQUIRED = _rule("AREA_IS_REQUIRED", E, "At least one <area> must be present.")
CIRCLE_POLYGON_OR_GEOCODE_IS_REQUIRED = _rule(
    "CIRCLE_POLYGON_OR_GEOCODE_IS_REQUIRED",
    E,
    "Each <area> must have at least one <circle>, <polygon> or <geocode>.",
)
SENDER_NAME_STRONGLY_RECOMMENDED = _rule(
    "SENDER_NAME_STRONGLY_RECOMMENDED", R, "<senderName> is strongly recommended."
)
RESPONSE_TYPE_STRONGLY_RECOMMENDED = _rule(
    "RESPONSE_TYPE_STRONGLY_RECOMMENDED", R, "<responseType> is strongly recommended."
)
INSTRUCTION_STRONGLY_RECOMMENDED = _rule(
    "INSTRUCTION_STRONGLY_RECOMMENDED", R, "<instruction> is strongly recommended."
)
CIRCLE_POLYGON_ENCOURAGED = _rule(
    "CIRCLE_POLYGON_ENCOURAGED",
    R,
    "<polygon> and <circle>, while optional, are encouraged as more accurate representations of "
    "<geocode> values.",
)
TEST_ALERT_DISCOURAGED = _rule(
    "TEST_ALERT_DISCOURAGED",
    R,
    "<status>Test</status> alerts are excluded from appearing in google public alerts.",
)
HEADLINE_TOO_LONG = _rule("HEADLINE_TOO_LONG", R, "Headline should be less than 140 characters.")
HEADLINE_AND_DESCRIPTION_SHOULD_DIFFER = _rule(
    "HEADLINE_AND_DESCRIPTION_SHOULD_DIFFER",
    R,
    "Description should provide more detail than the headline and should not be identical.",
)
DESCRIPTION_AND_INSTRUCTION_SHOULD_DIFFER = _rule(
    "DESCRIPTION_AND_INSTRUCTION_SHOULD_DIFFER",
    R,
    "Description should describe the hazard while instruction should provide human-readable "
    "instructions. They should not be identical.",
)
UNKNOWN_URGENCY_DISCOURAGED = _rule("UNKNOWN_URGENCY_DISCOURAGED", R, "Unknown <urgency> is discouraged.")
UNKNOWN_SEVERITY_DISCOURAGED = _rule("UNKNOWN_SEVERITY_DISCOURAGED", R, "Unknown <severity> is discouraged.")
UNKNOWN_CERTAINTY_DISCOURAGED = _rule(
    "UNKNOWN_CERTAINTY_DISCOURAGED", R, "Unknown <certainty> is discouraged."
)
CONTACT_IS_RECOMMENDED = _rule(
    "CONTACT_IS_RECOMMENDED",
    R,
    "<contact> is recommended to give users a way to provide feedback and respond to the alert.",
)
NONZERO_CIRCLE_RADIUS_RECOMMENDED = _rule(
    "NONZERO_CIRCLE_RADIUS_RECOMMENDED",
    R,
    "A CAP <area> defines the area inside which people should be alerted, not the area of the event "
    "causing the alert. This area should normally have nonzero radius.",
)
EVENTS_IN_SAME_LANGUAGE_SHOULD_MATCH = _rule(
    "EVENTS_IN_SAME_LANGUAGE_SHOULD_MATCH",
    R,
    "All <info> blocks with the same <language> should contain the same <event>. An exception is made "
    "for variations in severity on the same event, such as tsunami warning and tsunami advisory.",
)
EMPTY_GEOCODE_FIELD = _rule(
    "EMPTY_GEOCODE_FIELD", R, "A <geocode> should contain non-empty <valueName> <value> fields."
)
SENT_INCLUDES_UTC_TIMEZONE = _rule(
    "SENT_INCLUDES_UTC_TIMEZONE",
    I,
    "<sent> refers to the UTC time zone. If this is not your local time zone, consider using a local "
    "time zone instead.",
)
EFFECTIVE_INCLUDES_UTC_TIMEZONE = _rule(
    "EFFECTIVE_INCLUDES_UTC_TIMEZONE",
    I,
    "<effective> refers to the UTC time zone. If this is not your local time zone, consider using a "
    "local time zone instead.",
)
ONSET_INCLUDES_UTC_TIMEZONE = _rule(
    "ONSET_INCLUDES_UTC_TIMEZONE",
    I,
    "<onset> refers to the UTC time zone. If this is not your local time zone, consider using a local "
    "time zone instead.",
)
EXPIRES_INCLUDES_UTC_TIMEZONE = _rule(
    "EXPIRES_INCLUDES_UTC_TIMEZONE",
    I,
    "<expires> refers to the UTC time zone. If this is not your local time zone, consider using a "
    "local time zone instead.",
)

# --- the US IPAWS profile v1.0 (Ipaws1Profile) ------------------------------------------------
IPAWS_SENT_INCLUDE_TIMEZONE_OFFSET = _rule(
    "IPAWS_SENT_INCLUDE_TIMEZONE_OFFSET",
    E,
    "<sent> should include the timezone offset. An offset of 0 is unlikely for US alerts.",
)
IPAWS_EXPIRES_INCLUDE_TIMEZONE_OFFSET = _rule(
    "IPAWS_EXPIRES_INCLUDE_TIMEZONE_OFFSET",
    E,
    "<expires> should include the timezone offset. An offset of 0 is unlikely for US alerts.",
)
IPAWS_VERSION_CODE_REQUIRED = _rule("IPAWS_VERSION_CODE_REQUIRED", E, "<code>IPAWSv1.0</code> required.")
IPAWS_UPDATE_OR_CANCEL_MUST_REFERENCE = _rule(
    "IPAWS_UPDATE_OR_CANCEL_MUST_REFERENCE",
    E,
    'All related messages that have not yet expired MUST be referenced for "Update" and "Cancel" messages.',
)
IPAWS_EVENT_CODES_MUST_MATCH = _rule(
    "IPAWS_EVENT_CODES_MUST_MATCH", E, "All <info> blocks must contain the same <eventCode>s."
)
IPAWS_CATEGORIES_MUST_MATCH = _rule(
    "IPAWS_CATEGORIES_MUST_MATCH", E, "All <info> blocks must contain the same <category>s."
)
IPAWS_SAME_EVENT_CODE_REQUIRED = _rule(
    "IPAWS_SAME_EVENT_CODE_REQUIRED",
    E,
    "Messages intended for EAS, CMAS and HazCollect dissemination MUST include one and only one instance "
    'of <eventCode> with a <valueName> of "SAME" and using a SAME-standard three-letter value.',
)
IPAWS_EXPIRES_IS_REQUIRED = _rule("IPAWS_EXPIRES_IS_REQUIRED", E, "<expires> is required.")
IPAWS_AREA_IS_REQUIRED = _rule("IPAWS_AREA_IS_REQUIRED", E, "At least one <area> must be present.")
IPAWS_INFO_EFFECTIVE_IS_IGNORED = _rule(
    "IPAWS_INFO_EFFECTIVE_IS_IGNORED",
    R,
    "<effective> is ignored if present. Alerts SHALL be effective upon issuance.",
)
IPAWS_INFO_ONSET_IS_IGNORED = _rule(
    "IPAWS_INFO_ONSET_IS_IGNORED",
    R,
    "<onset> is ignored if present. Alerts SHALL be effective upon issuance.",
)
IPAWS_INFO_DESCRIPTION_RECOMMENDED = _rule(
    "IPAWS_INFO_DESCRIPTION_RECOMMENDED", R, "Messages should have meaningful values for the <description>."
)
IPAWS_INFO_INSTRUCTION_RECOMMENDED = _rule(
    "IPAWS_INFO_INSTRUCTION_RECOMMENDED", R, "Messages should have meaningful values for the <instruction>."
)
IPAWS_AREA_SAME_GEOCODE_RECOMMENDED = _rule(
    "IPAWS_AREA_SAME_GEOCODE_RECOMMENDED",
    R,
    'At least one instance of <geocode> with a <valueName> of "SAME" and a value of a SAME 6-digit '
    "location (extended FIPS) SHOULD be used.",
)


@dataclass(frozen=True)
class Finding:
    rule: Rule
    where: str

    def __str__(self) -> str:
        return f"{self.rule.level.value} {self.where}: {self.rule.text}"


# --- reading the message ----------------------------------------------------------------------

_TOKEN = r"[^\s,&<]+"
_TIME = r"\d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d"
_TRIPLET = rf"{_TOKEN},{_TOKEN},{_TIME}"
_REFERENCES = re.compile(rf"\s*{_TRIPLET}(\s+{_TRIPLET})*\s*")
_CIRCLE = re.compile(r"\s*[+-]?\d{0,2}[.]?\d*,[+-]?\d{0,3}[.]?\d*\s[+]?\d*[.]?\d*\s*")
_LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*")
_HTML_TAG = re.compile(r"<([^\s>]+)(.*?)>")
#: HTML 4's named character references (what Java's ``unescapeHtml4`` knows), and numeric ones.
_HTML_ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def _text(parent: Element, tag: str) -> str | None:
    child = parent.find(CAP + tag)
    return None if child is None else (child.text or "")


def _texts(parent: Element, tag: str) -> list[str]:
    return [child.text or "" for child in parent.findall(CAP + tag)]


#: What Java's ``String.trim`` removes: every character up to and including the space.
_JAVA_TRIM = "".join(chr(c) for c in range(0x21))


def _blank(value: str | None) -> bool:
    return value is None or not value.strip(_JAVA_TRIM)


def _time(value: str | None) -> datetime | None:
    if value is None or not re.fullmatch(_TIME, value.strip()):
        return None
    return datetime.fromisoformat(value.strip())


def _utc(value: str | None) -> bool:
    moment = _time(value)
    return moment is not None and moment.utcoffset() is not None and moment.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def _pairs(parent: Element, tag: str) -> frozenset[tuple[str, str]]:
    return frozenset(
        (_text(pair, "valueName") or "", _text(pair, "value") or "") for pair in parent.findall(CAP + tag)
    )


def _points(text: str) -> list[tuple[float, float]] | None:
    try:
        points = [(float(lat), float(lon)) for lat, lon in (p.split(",") for p in text.split())]
    except ValueError:
        return None
    return points


def _legal(lon: float) -> float:
    return lon - 360 if lon > 180 else lon + 360 if lon < -180 else lon


def _cross(
    a: tuple[float, float], b: tuple[float, float], c: tuple[float, float], d: tuple[float, float]
) -> bool:
    """Whether segments ab and cd share a point (touching counts), in the plane."""

    def turn(p: tuple[float, float], q: tuple[float, float], r: tuple[float, float]) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    def within(p: tuple[float, float], q: tuple[float, float], r: tuple[float, float]) -> bool:
        return min(p[0], q[0]) <= r[0] <= max(p[0], q[0]) and min(p[1], q[1]) <= r[1] <= max(p[1], q[1])

    d1, d2, d3, d4 = turn(c, d, a), turn(c, d, b), turn(a, b, c), turn(a, b, d)
    if ((d1 > 0 > d2) or (d1 < 0 < d2)) and ((d3 > 0 > d4) or (d3 < 0 < d4)):
        return True
    return (
        (d1 == 0 and within(c, d, a))
        or (d2 == 0 and within(c, d, b))
        or (d3 == 0 and within(a, b, c))
        or (d4 == 0 and within(a, b, d))
    )


def self_intersects(points: list[tuple[float, float]]) -> bool:
    """Edges that meet other than where consecutive edges join, in the plane of (lat, lon) with
    longitudes in [-180, 180], as Google's validator tests them (repeated points are skipped)."""
    start = 0
    while start < len(points) - 1 and points[start] == points[start + 1]:
        start += 1
    last = len(points) - 1
    while last > 0 and points[last] == points[last - 1]:
        last -= 1
    flat = [(lat, _legal(lon)) for lat, lon in points]
    for i in range(start, last - 1):
        for j in range(i + 2, last):
            if i == start and j == last - 1:
                continue
            p0, p1, p2, p3 = points[i], points[i + 1], points[j], points[j + 1]
            if p1 == p2 or p0 == p1 or p2 == p3:
                continue
            if _cross(flat[i], flat[i + 1], flat[j], flat[j + 1]):
                return True
    return False


# --- the checks -------------------------------------------------------------------------------


def check(xml: bytes | str) -> list[Finding]:
    """Every finding of Google's validator (schema extensions, CAP rules, Google profile)."""
    root = SafeET.fromstring(xml)
    found: list[Finding] = []

    def add(rule: Rule, where: str) -> None:
        found.append(Finding(rule, where))

    identifier = _text(root, "identifier") or ""
    if not re.fullmatch(_TOKEN, identifier):
        add(INVALID_IDENTIFIER, "/alert/identifier")
    if not re.fullmatch(_TOKEN, _text(root, "sender") or ""):
        add(INVALID_SENDER, "/alert/sender")
    sent_text = _text(root, "sent")
    sent = _time(sent_text)
    if sent is None:
        add(INVALID_DATE, "/alert/sent")
    if not _blank(_text(root, "restriction")) and _text(root, "scope") != "Restricted":
        add(RESTRICTION_SCOPE_MISMATCH, "/alert/restriction")
    references = _text(root, "references")
    if references is not None:
        if not _REFERENCES.fullmatch(references):
            add(INVALID_REFERENCES, "/alert/references")
        for triplet in references.split():
            parts = triplet.split(",")
            if len(parts) != 3:
                continue
            if parts[1] == identifier:
                add(CIRCULAR_REFERENCE, "/alert/references")
            referenced = _time(parts[2])
            if sent is not None and referenced is not None and referenced > sent:
                add(POSTDATED_REFERENCE, "/alert/references")
    msg_type = _text(root, "msgType")
    if msg_type in ("Update", "Cancel") and _blank(references):
        add(UPDATE_OR_CANCEL_MUST_REFERENCE, "/alert/msgType")
    infos = root.findall(CAP + "info")
    if not infos:
        add(INFO_IS_REQUIRED, "/alert")
    if _utc(sent_text):
        add(SENT_INCLUDES_UTC_TIMEZONE, "/alert/sent")
    if _text(root, "status") == "Test":
        add(TEST_ALERT_DISCOURAGED, "/alert/status")

    seen_text: dict[tuple[str, str], str] = {}
    event_by_language: dict[str, str] = {}
    first_categories: frozenset[str] | None = None
    first_codes: frozenset[tuple[str, str]] | None = None
    for n, info in enumerate(infos, start=1):
        at = f"/alert/info[{n}]"
        categories = frozenset(_texts(info, "category"))
        codes = _pairs(info, "eventCode")
        if first_categories is None:
            first_categories, first_codes = categories, codes
        else:
            if categories != first_categories:
                add(CATEGORIES_MUST_MATCH, at + "/category")
            if codes != first_codes:
                add(EVENT_CODES_MUST_MATCH, at + "/eventCode")

        language = (_text(info, "language") or "en-US").strip()
        if not _LANGUAGE.fullmatch(language):
            add(INVALID_LANGUAGE, at + "/language")
        else:
            for tag in ("description", "headline", "instruction", "event"):
                value = _text(info, tag)
                if value is None:
                    continue
                previous = seen_text.setdefault((tag, value), language)
                if previous != language:
                    add(SAME_TEXT_DIFFERENT_LANGUAGE, f"{at}/{tag}")

        description = _text(info, "description")
        headline = _text(info, "headline")
        instruction = _text(info, "instruction")
        event = _text(info, "event") or ""
        if _blank(description):
            add(DESCRIPTION_IS_REQUIRED, at)
        expires_text = _text(info, "expires")
        effective_text = _text(info, "effective")
        for tag, value in (
            ("effective", effective_text),
            ("onset", _text(info, "onset")),
            ("expires", expires_text),
        ):
            if value is not None and _time(value) is None:
                add(INVALID_DATE, f"{at}/{tag}")
        if not _blank(expires_text):
            start = _time(effective_text if effective_text is not None else sent_text)
            end = _time(expires_text)
            if start is not None and end is not None and start > end:
                add(EFFECTIVE_NOT_AFTER_EXPIRES, at + "/effective")
        web = _text(info, "web")
        if _blank(web):
            add(WEB_IS_REQUIRED, at)
        else:
            url = urlsplit((web or "").strip())
            if not url.scheme or not (url.netloc or url.path) or " " in (web or "").strip():
                add(INVALID_WEB, at + "/web")
        if _blank(expires_text):
            add(EXPIRES_IS_REQUIRED, at)
        areas = info.findall(CAP + "area")
        if not areas:
            add(AREA_IS_REQUIRED, at)
        for tag, rule in (
            ("urgency", URGENCY_IS_REQUIRED),
            ("severity", SEVERITY_IS_REQUIRED),
            ("certainty", CERTAINTY_IS_REQUIRED),
        ):
            if _text(info, tag) is None:
                add(rule, at)

        for tag, rule in (
            ("effective", EFFECTIVE_INCLUDES_UTC_TIMEZONE),
            ("onset", ONSET_INCLUDES_UTC_TIMEZONE),
            ("expires", EXPIRES_INCLUDES_UTC_TIMEZONE),
        ):
            if _utc(_text(info, tag)):
                add(rule, f"{at}/{tag}")
        if _blank(_text(info, "senderName")):
            add(SENDER_NAME_STRONGLY_RECOMMENDED, at)
        if not info.findall(CAP + "responseType"):
            add(RESPONSE_TYPE_STRONGLY_RECOMMENDED, at)
        if _blank(instruction):
            add(INSTRUCTION_STRONGLY_RECOMMENDED, at)
        if headline is not None and len(headline.encode("utf-16-le")) // 2 > 140:
            add(HEADLINE_TOO_LONG, at + "/headline")
        if (description or "") == (headline or ""):
            add(HEADLINE_AND_DESCRIPTION_SHOULD_DIFFER, at + "/headline")
        if not _blank(instruction) and (description or "") == instruction:
            add(DESCRIPTION_AND_INSTRUCTION_SHOULD_DIFFER, at + "/description")
        for tag, rule in (
            ("urgency", UNKNOWN_URGENCY_DISCOURAGED),
            ("severity", UNKNOWN_SEVERITY_DISCOURAGED),
            ("certainty", UNKNOWN_CERTAINTY_DISCOURAGED),
        ):
            if _text(info, tag) == "Unknown":
                add(rule, f"{at}/{tag}")
        if _blank(_text(info, "contact")):
            add(CONTACT_IS_RECOMMENDED, at)
        if language in event_by_language:
            if event != event_by_language[language]:
                add(EVENTS_IN_SAME_LANGUAGE_SHOULD_MATCH, at + "/event")
        else:
            event_by_language[language] = event

        shaped = False
        for m, area in enumerate(areas, start=1):
            where = f"{at}/area[{m}]"
            polygons, circles = _texts(area, "polygon"), _texts(area, "circle")
            geocodes = area.findall(CAP + "geocode")
            if not (polygons or circles or geocodes):
                add(CIRCLE_POLYGON_OR_GEOCODE_IS_REQUIRED, where)
            shaped = shaped or bool(polygons or circles)
            for k, text in enumerate(polygons, start=1):
                points = _points(text)
                if points is None or len(points) < 4 or points[0] != points[-1]:
                    add(INVALID_POLYGON, f"{where}/polygon[{k}]")
                elif self_intersects(points):
                    add(INVALID_POLYGON_SELF_INTERSECTION, f"{where}/polygon[{k}]")
            for k, text in enumerate(circles, start=1):
                if not _CIRCLE.fullmatch(text):
                    add(INVALID_CIRCLE, f"{where}/circle[{k}]")
                    continue
                radius = text.split()[-1]
                if float(radius or 0) == 0:
                    add(NONZERO_CIRCLE_RADIUS_RECOMMENDED, f"{where}/circle[{k}]")
            for k, geocode in enumerate(geocodes, start=1):
                if _text(geocode, "valueName") == "" or _text(geocode, "value") == "":
                    add(EMPTY_GEOCODE_FIELD, f"{where}/geocode[{k}]")
            altitude, ceiling = _text(area, "altitude"), _text(area, "ceiling")
            if ceiling is not None and altitude is None:
                add(INVALID_AREA, where)
            if altitude is not None and ceiling is not None and float(altitude) > float(ceiling):
                add(INVALID_ALTITUDE_CEILING_RANGE, where + "/ceiling")
        if areas and not shaped:
            add(CIRCLE_POLYGON_ENCOURAGED, at + "/area[1]")

    for element in root.iter():
        if element.text and len(element) == 0 and element.tag not in (CAP + "polygon", CAP + "circle"):
            for rule in html_rules(element.text):
                add(rule, element.tag.removeprefix(CAP))
    return found


def html_rules(text: str) -> list[Rule]:
    """The warnings a text draws for looking like HTML (an entity, a tag)."""
    rules = []
    if any(html.unescape(m.group(0)) != m.group(0) for m in _HTML_ENTITY.finditer(text)):
        rules.append(TEXT_CONTAINS_HTML_ENTITIES)
    if _HTML_TAG.search(text):
        rules.append(TEXT_CONTAINS_HTML_TAGS)
    return rules


def check_ipaws(xml: bytes | str) -> list[Finding]:
    """The findings of the US IPAWS profile v1.0 (``Ipaws1Profile``)."""
    root = SafeET.fromstring(xml)
    found: list[Finding] = []

    def add(rule: Rule, where: str) -> None:
        found.append(Finding(rule, where))

    if _utc(_text(root, "sent")):
        add(IPAWS_SENT_INCLUDE_TIMEZONE_OFFSET, "/alert/sent")
    if "IPAWSv1.0" not in _texts(root, "code"):
        add(IPAWS_VERSION_CODE_REQUIRED, "/alert")
    if _text(root, "msgType") in ("Update", "Cancel") and _blank(_text(root, "references")):
        add(IPAWS_UPDATE_OR_CANCEL_MUST_REFERENCE, "/alert/msgType")
    first: tuple[frozenset[tuple[str, str]], frozenset[str]] | None = None
    for n, info in enumerate(root.findall(CAP + "info"), start=1):
        at = f"/alert/info[{n}]"
        codes, categories = _pairs(info, "eventCode"), frozenset(_texts(info, "category"))
        if first is None:
            first = (codes, categories)
        else:
            if codes != first[0]:
                add(IPAWS_EVENT_CODES_MUST_MATCH, at)
            if categories != first[1]:
                add(IPAWS_CATEGORIES_MUST_MATCH, at)
        expires = _text(info, "expires")
        if _blank(expires):
            add(IPAWS_EXPIRES_IS_REQUIRED, at)
        elif _utc(expires):
            add(IPAWS_EXPIRES_INCLUDE_TIMEZONE_OFFSET, at + "/expires")
        same = [value for name, value in codes if name == "SAME"]
        if len(same) != 1 or len(same[0]) != 3:
            add(IPAWS_SAME_EVENT_CODE_REQUIRED, at)
        areas = info.findall(CAP + "area")
        if not areas:
            add(IPAWS_AREA_IS_REQUIRED, at)
        if not _blank(_text(info, "effective")):
            add(IPAWS_INFO_EFFECTIVE_IS_IGNORED, at + "/effective")
        if not _blank(_text(info, "onset")):
            add(IPAWS_INFO_ONSET_IS_IGNORED, at + "/onset")
        if _blank(_text(info, "description")):
            add(IPAWS_INFO_DESCRIPTION_RECOMMENDED, at)
        if _blank(_text(info, "instruction")):
            add(IPAWS_INFO_INSTRUCTION_RECOMMENDED, at)
        for m, area in enumerate(areas, start=1):
            if not any(name == "SAME" and len(value) == 6 for name, value in _pairs(area, "geocode")):
                add(IPAWS_AREA_SAME_GEOCODE_RECOMMENDED, f"{at}/area[{m}]")
    return found


def problems(findings: list[Finding]) -> list[Finding]:
    """What a publisher must fix: errors and warnings (recommendations and infos are advice)."""
    return [f for f in findings if f.rule.level in (Level.ERROR, Level.WARNING)]


# --- the Atom feed (CapFeedParser, CapFeedValidator) ----------------------------------------
ATOM = "{http://www.w3.org/2005/Atom}"
CAP_TYPES = ("application/cap+xml", "application/common-alerting-protocol+xml")

ATOM_ID_IS_REQUIRED = _rule("ATOM_ID_IS_REQUIRED", E, "Feeds must have a non-empty <id> element.")
ATOM_TITLE_IS_REQUIRED = _rule("ATOM_TITLE_IS_REQUIRED", E, "Feeds must have a non-empty <title> element.")
ATOM_UPDATED_IS_REQUIRED = _rule(
    "ATOM_UPDATED_IS_REQUIRED", E, "Feeds must have a non-empty <updated> element."
)
ATOM_ENTRY_ID_IS_REQUIRED = _rule(
    "ATOM_ENTRY_ID_IS_REQUIRED", E, "Entries must have a non-empty <id> element."
)
ATOM_ENTRY_TITLE_IS_REQUIRED = _rule(
    "ATOM_ENTRY_TITLE_IS_REQUIRED", E, "Entries must have a non-empty <title> element."
)
ATOM_ENTRY_UPDATED_IS_REQUIRED = _rule(
    "ATOM_ENTRY_UPDATED_IS_REQUIRED", E, "Entries must have a non-empty <updated> element."
)
ATOM_ENTRY_MISSING_CAP_LINK = _rule(
    "ATOM_ENTRY_MISSING_CAP_LINK",
    E,
    "Entries that do not embed CAP must contain a link to a CAP document, normally found with "
    "type='application/cap+xml' or type='application/common-alerting-protocol+xml'.",
)
ATOM_ENTRY_NON_UNIQUE_IDS = _rule("ATOM_ENTRY_NON_UNIQUE_IDS", E, "Entries must have unique <id> elements.")


def cap_links(entry: Element) -> list[str]:
    """The links of an Atom entry Google's feed reader takes for its CAP document: one typed as
    CAP, or else the only link that is not an image, audio or video."""
    links = [link for link in entry.findall(ATOM + "link") if link.get("rel", "alternate") != "self"]
    typed = [link.get("href", "") for link in links if (link.get("type") or "").lower() in CAP_TYPES]
    if typed:
        return typed
    if len(links) == 1:
        return [links[0].get("href", "")]
    possible = [
        link.get("href", "")
        for link in links
        if not (link.get("type") or "").startswith(("image", "audio", "video"))
    ]
    return possible if len(possible) == 1 else []


def check_feed(xml: bytes | str) -> list[Finding]:
    """The findings of Google's validator on an Atom feed of CAP alerts (not its entries' CAP)."""
    root = SafeET.fromstring(xml)
    found: list[Finding] = []
    for tag, rule in (
        ("id", ATOM_ID_IS_REQUIRED),
        ("title", ATOM_TITLE_IS_REQUIRED),
        ("updated", ATOM_UPDATED_IS_REQUIRED),
    ):
        if _blank(_atom_text(root, tag)):
            found.append(Finding(rule, "/feed"))
    ids: set[str] = set()
    for n, entry in enumerate(root.findall(ATOM + "entry"), start=1):
        at = f"/feed/entry[{n}]"
        for tag, rule in (
            ("id", ATOM_ENTRY_ID_IS_REQUIRED),
            ("title", ATOM_ENTRY_TITLE_IS_REQUIRED),
            ("updated", ATOM_ENTRY_UPDATED_IS_REQUIRED),
        ):
            if _blank(_atom_text(entry, tag)):
                found.append(Finding(rule, at))
        if entry.find(ATOM + "content") is None and not cap_links(entry):
            found.append(Finding(ATOM_ENTRY_MISSING_CAP_LINK, at))
        entry_id = _atom_text(entry, "id") or ""
        if entry_id in ids:
            found.append(Finding(ATOM_ENTRY_NON_UNIQUE_IDS, at))
        ids.add(entry_id)
    return found


def _atom_text(parent: Element, tag: str) -> str | None:
    child = parent.find(ATOM + tag)
    return None if child is None else (child.text or "")
