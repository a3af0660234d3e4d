"""PFIF 1.4 documents: namespaces, field order, required fields, round trip, no entities."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from defusedxml import ElementTree as SafeET
from defusedxml.common import EntitiesForbidden

from haven.safety import pfif
from haven.safety.people import Author, Note, Person, Status
from tests.support import pfif_one_way_links

WHEN = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _person() -> Person:
    return Person(
        person_id="01J0000000000000000000000A",
        full_name="Zoë <O'Neil> & Co",
        author=Author("Ann", email="ann@example.org"),
        source_name="Haven",
        source_date=WHEN,
        entry_date=WHEN,
        expires_at=WHEN + timedelta(days=40),
        deletion_token_hash="x",
        birth_year=1990,
        sex="female",
        home_city="Lyon",
    )


def _note() -> Note:
    return Note(
        note_id="01J0000000000000000000000B",
        person_id="01J0000000000000000000000A",
        author=Author("Ben"),
        entry_date=WHEN,
        source_date=WHEN,
        expires_at=WHEN + timedelta(days=40),
        status=Status.IS_NOTE_AUTHOR,
        author_made_contact=True,
        text="I am safe",
        linked_person_id="01J0000000000000000000000C",
    )


def _document() -> bytes:
    return pfif.render([_person(), _note()], "haven.example.org", lambda p: None)


def test_document_uses_the_pfif_namespace_order_and_required_fields() -> None:
    root = SafeET.fromstring(_document())
    ns = {"pfif": pfif.NAMESPACE}
    assert root.tag == f"{{{pfif.NAMESPACE}}}pfif"
    person = root.find("pfif:person", ns)
    assert person is not None
    fields = [child.tag.split("}")[1] for child in person]
    assert fields == sorted(fields, key=pfif.PERSON_FIELDS.index)
    assert set(pfif.REQUIRED["person"]) <= set(fields)
    assert person.findtext("pfif:full_name", namespaces=ns) == "Zoë <O'Neil> & Co"
    assert person.findtext("pfif:date_of_birth", namespaces=ns) == "1990"
    assert person.findtext("pfif:entry_date", namespaces=ns) == "2026-03-01T12:00:00Z"
    note = root.find("pfif:note", ns)
    assert note is not None
    assert note.findtext("pfif:status", namespaces=ns) == "is_note_author"
    assert note.findtext("pfif:author_made_contact", namespaces=ns) == "true"
    assert note.findtext("pfif:linked_person_record_id", namespaces=ns) == (
        "haven.example.org/person.01J0000000000000000000000C"
    )


def test_a_link_is_exported_both_ways() -> None:
    document = _document()
    assert pfif_one_way_links(document) == []
    ns = {"pfif": pfif.NAMESPACE}
    notes = SafeET.fromstring(document).findall("pfif:note", ns)
    assert [n.findtext("pfif:note_record_id", namespaces=ns) for n in notes] == [
        "haven.example.org/note.01J0000000000000000000000B",
        "haven.example.org/note.01J0000000000000000000000B.link",
    ]
    back = notes[1]
    assert back.findtext("pfif:person_record_id", namespaces=ns) == (
        "haven.example.org/person.01J0000000000000000000000C"
    )
    assert back.findtext("pfif:linked_person_record_id", namespaces=ns) == (
        "haven.example.org/person.01J0000000000000000000000A"
    )
    # What the note says of its own record is not said of the linked one.
    assert back.find("pfif:status", ns) is None
    assert back.find("pfif:author_made_contact", ns) is None


def test_a_one_way_link_is_what_the_validator_rule_refuses() -> None:
    one_way = pfif.document([pfif.note_record(_note(), "haven.example.org")])
    assert pfif_one_way_links(one_way) == ["haven.example.org/note.01J0000000000000000000000B"]


def test_round_trip_is_identical() -> None:
    document = _document()
    assert pfif.document(pfif.read(SafeET.fromstring(document))) == document


@pytest.mark.parametrize(
    "xml",
    [
        b'<pfif xmlns="http://zesty.ca/pfif/1.3"/>',
        b'<p:pfif xmlns:p="http://zesty.ca/pfif/1.4"><p:person><p:full_name>x</p:full_name></p:person></p:pfif>',
        b'<p:pfif xmlns:p="http://zesty.ca/pfif/1.4"><p:person><p:full_name>x</p:full_name>'
        b"<p:person_record_id>a/b</p:person_record_id><p:source_date>d</p:source_date></p:person></p:pfif>",
        b'<p:pfif xmlns:p="http://zesty.ca/pfif/1.4"><p:alert/></p:pfif>',
    ],
)
def test_structural_errors_are_rejected(xml: bytes) -> None:
    with pytest.raises(pfif.InvalidPfif):
        pfif.read(SafeET.fromstring(xml))


def test_entities_are_never_expanded() -> None:
    bomb = b'<!DOCTYPE x [<!ENTITY a "aaaa">]><p:pfif xmlns:p="http://zesty.ca/pfif/1.4">&a;</p:pfif>'
    with pytest.raises(EntitiesForbidden):
        SafeET.fromstring(bomb)
    assert b"<!DOCTYPE" not in _document()
