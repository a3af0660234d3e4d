"""CAP 1.2 output: valid against the OASIS schema and Google Public Alerts' stricter rules."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import xmlschema
from defusedxml import ElementTree as SafeET

from haven.alerts.cap import AreaBlock, CapMessage, Info, MsgType, Reference, check_token, to_xml
from haven.areas import Circle, Polygon
from haven.geo import Point
from tests.cap_profiles import INVALID_WEB, WEB_IS_REQUIRED, check

REPO = Path(__file__).resolve().parents[3]
SCHEMA = xmlschema.XMLSchema(str(REPO / "standards" / "CAP-v1.2.xsd"))
NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
SENT = datetime(2026, 11, 28, 14, 2, 11, 123456, tzinfo=UTC)


def _info(language: str = "en", **changes: object) -> Info:
    base = {
        "language": language,
        "categories": ("Met",),
        "event": "Flood warning",
        "urgency": "Immediate",
        "severity": "Severe",
        "certainty": "Observed",
        "expires": SENT + timedelta(hours=6),
        "headline": "Flood warning for the river district",
        "description": "The river is above its banks & rising <fast>.",
        "instruction": "Move to higher ground.",
        "web": "https://haven.example.org/v1/alerts/haven-dev-01JDQ7W3ZK",
        "response_types": ("Evacuate",),
        "areas": (
            AreaBlock(
                "River district",
                polygons=(
                    Polygon(
                        (
                            Point(51.5, -0.1234567891),
                            Point(51.5, -0.1),
                            Point(51.52, -0.1),
                            Point(51.5, -0.1234567891),
                        )
                    ),
                ),
                circles=(Circle(Point(51.51, -0.11), 2.5),),
            ),
        ),
    }
    base.update(changes)
    return Info(**base)  # type: ignore[arg-type]


def test_alert_validates_against_the_xsd_and_google_rules() -> None:
    xml = to_xml(
        CapMessage(
            "haven-dev-01JDQ7W3ZK",
            "alerts@haven.example.org",
            SENT,
            "Actual",
            MsgType.ALERT,
            (_info(), _info("fr")),
        )
    )
    SCHEMA.validate(xml.decode())
    root = SafeET.fromstring(xml)
    sent = root.find("cap:sent", NS).text
    assert sent == "2026-11-28T14:02:11+00:00"
    for info in root.findall("cap:info", NS):
        assert info.find("cap:expires", NS) is not None
        assert info.find("cap:description", NS).text.endswith("<fast>.")
        assert info.find("cap:area", NS) is not None
    for polygon in root.iter("{urn:oasis:names:tc:emergency:cap:1.2}polygon"):
        for number in re.split(r"[ ,]", polygon.text):
            assert len(number.split(".")[-1]) <= 6 if "." in number else True
    assert [i.find("cap:language", NS).text for i in root.findall("cap:info", NS)] == ["en", "fr"]


def test_update_and_cancel_reference_earlier_messages() -> None:
    first = Reference("alerts@haven.example.org", "haven-dev-1", SENT)
    second = Reference("alerts@haven.example.org", "haven-dev-2", SENT + timedelta(minutes=5))
    for msg_type, refs in ((MsgType.UPDATE, (first,)), (MsgType.CANCEL, (first, second))):
        xml = to_xml(
            CapMessage("haven-dev-3", "alerts@haven.example.org", SENT, "Actual", msg_type, (_info(),), refs)
        )
        SCHEMA.validate(xml.decode())
        references = SafeET.fromstring(xml).find("cap:references", NS).text
        assert references.split(" ")[0] == "alerts@haven.example.org,haven-dev-1,2026-11-28T14:02:11+00:00"
        assert len(references.split(" ")) == len(refs)
    with pytest.raises(ValueError, match="reference"):
        CapMessage("haven-dev-4", "alerts@haven.example.org", SENT, "Actual", MsgType.UPDATE, (_info(),))


@pytest.mark.parametrize("bad", ["has space", "has,comma", "a<b", "a&b", ""])
def test_identifiers_without_forbidden_characters(bad: str) -> None:
    with pytest.raises(ValueError, match="must not"):
        check_token(bad, "identifier")


def test_schema_rejects_what_it_should() -> None:
    """The validation is real: a message missing a required element fails."""
    xml = to_xml(
        CapMessage("haven-dev-5", "alerts@haven.example.org", SENT, "Actual", MsgType.ALERT, (_info(),))
    )
    broken = xml.decode().replace("<urgency>Immediate</urgency>", "")
    assert not SCHEMA.is_valid(broken)


def test_every_info_must_link_a_page_for_the_public() -> None:
    """Google's profile: "<web> must be present" (every message lacked it)."""
    with pytest.raises(ValueError, match="web"):
        CapMessage(
            "haven-dev-6", "alerts@haven.example.org", SENT, "Actual", MsgType.ALERT, (_info(web=None),)
        )
    xml = to_xml(
        CapMessage("haven-dev-6", "alerts@haven.example.org", SENT, "Actual", MsgType.ALERT, (_info(),))
    )
    assert not [f for f in check(xml) if f.rule in (WEB_IS_REQUIRED, INVALID_WEB)]
