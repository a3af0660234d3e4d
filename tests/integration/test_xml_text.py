"""Every XML document Haven writes (CAP, Atom, PFIF) stays well-formed for any text the API
accepts: a character XML 1.0 cannot carry is refused on the way in, with the field named."""

from __future__ import annotations

import json
import random
from typing import Any
from urllib.parse import quote

import pytest
from chalice.test import Client
from defusedxml import ElementTree as SafeET

from local import tokens
from tests.integration.test_alerts import RESPONDER, alert_body

JSON = {"Content-Type": "application/json"}
#: What XML 1.0 cannot carry, one of each kind: C0 controls, a lone surrogate, U+FFFE/U+FFFF.
NOT_XML = [*(chr(c) for c in range(0x20) if c not in (0x9, 0xA, 0xD)), "\ud800", "\udfff", "\ufffe", "\uffff"]
#: Text XML carries that serialisers get wrong when they are careless: markup, entities,
#: whitespace controls, the edges of the Char production, astral characters, right to left.
AWKWARD = ["<", ">", "&", "&amp;", '"', "'", "]]>", "\t", "\r", "\n", "\ud7ff", "\ue000", "\ufffd", "\U00010000",
           "\U0010ffff", "🙂", "مرحبا", "\u200f", "\x7f", "\x85"]  # fmt: skip


@pytest.fixture
def client(aws: None) -> Any:
    import app as api

    with Client(api.app) as c:
        yield c


def _texts(rng: random.Random, count: int) -> list[str]:
    alphabet = [*AWKWARD, *"abc xyz"]
    return ["x" + "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))) for _ in range(count)]


@pytest.mark.parametrize("character", NOT_XML, ids=lambda c: f"U+{ord(c):04X}")
def test_a_character_xml_cannot_carry_is_refused_naming_the_field(client: Any, character: str) -> None:
    surrogate = 0xD800 <= ord(character) <= 0xDFFF

    def refused(answer: Any, field: str) -> None:
        if surrogate:  # not text at all: the JSON parser refuses the body
            assert answer.status_code == 400, answer.body
            assert answer.headers["Content-Type"] == "application/problem+json"
            return
        assert answer.status_code == 422, answer.body
        assert [e["field"] for e in answer.json_body["errors"]] == [field]

    person = {"full_name": f"Ana{character}Lima", "author": {"name": "Ben"}}
    refused(client.http.post("/v1/safety/people", headers=JSON, body=json.dumps(person)), "full_name")

    alert = alert_body()
    alert["texts"][0]["headline"] = f"Flood{character}warning"
    refused(client.http.post("/v1/ops/alerts", headers=RESPONDER, body=json.dumps(alert)), "texts.0.headline")

    if not surrogate:  # a URL cannot carry a lone surrogate
        answer = client.http.get("/v1/safety/people?q=" + quote("Ana" + character + "Lima"))
        refused(answer, "q")


def test_every_xml_output_is_well_formed_for_accepted_text(client: Any) -> None:
    rng = random.Random(1234)
    ops = {"Authorization": f"Bearer {tokens.mint('responder')}"}
    alert_ids = []
    for text in _texts(rng, 12):
        person = {"full_name": text, "home_city": text, "author": {"name": text}}
        answer = client.http.post("/v1/safety/people", headers=JSON, body=json.dumps(person))
        assert answer.status_code == 201, (repr(text), answer.body)
        alert = alert_body()
        alert["texts"][0].update(headline="H" + text[:99], description=text, instruction="Do: " + text)
        alert["sender_name"] = text[:60]
        answer = client.http.post("/v1/ops/alerts", headers=RESPONDER, body=json.dumps(alert))
        assert answer.status_code == 201, (repr(text), answer.body)
        alert_ids.append(answer.json_body["alert_id"])
    documents = [
        client.http.get("/v1/ops/safety/pfif", headers=ops).body,
        client.http.get("/v1/alerts/feed.atom").body,
    ]
    documents += [
        client.http.get(f"/v1/alerts/{alert_id}", headers={"Accept": "application/cap+xml"}).body
        for alert_id in alert_ids
    ]
    for document in documents:
        SafeET.fromstring(document)  # raises on a document that is not well-formed
