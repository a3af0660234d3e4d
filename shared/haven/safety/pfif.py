"""PFIF 1.4 (People Finder Interchange Format) documents: writing, and reading back.

Documents are built with ElementTree (no DTD, no entities: text is escaped, never expanded).
Reading takes an element tree the caller parsed with a safe parser (``defusedxml``): this
module never parses bytes, so it cannot be made to expand entities or fetch anything.

An export lists persons and notes in entry order; a note is a top-level ``pfif:note`` carrying
its ``person_record_id`` (PFIF 1.4 allows notes at top level), so that an incremental sync by
entry date sends a new note without resending its person. Record ids are ``<domain>/person.<id>``
and ``<domain>/note.<id>``, the domain naming this repository.

A link between two person records (a note's ``linked_person_record_id``: "possibly the same
person") goes both ways in PFIF: if A links to B, B links to A, and Person Finder's validator
refuses a one-way link. A note is stored once, on the record it was written on; the export
writes its link back as a second note on the linked record, ``<domain>/note.<id>.link``, in the
same document. That note carries the link, its author's name, dates and text, and nothing about
the person (status, contact, location): those were said of the first record.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from haven import clock
from haven.safety.people import EntryPage, Note, Person, SafetyStore

NAMESPACE = "http://zesty.ca/pfif/1.4"
PREFIX = "pfif"
ET.register_namespace(PREFIX, NAMESPACE)

#: PFIF 1.4 person fields, in the order the schema's sequence requires.
PERSON_FIELDS = (
    "person_record_id",
    "entry_date",
    "expiry_date",
    "author_name",
    "author_email",
    "author_phone",
    "source_name",
    "source_date",
    "source_url",
    "full_name",
    "given_name",
    "family_name",
    "alternate_names",
    "description",
    "sex",
    "date_of_birth",
    "age",
    "home_street",
    "home_neighborhood",
    "home_city",
    "home_state",
    "home_postal_code",
    "home_country",
    "photo_url",
    "profile_urls",
)
NOTE_FIELDS = (
    "note_record_id",
    "person_record_id",
    "linked_person_record_id",
    "entry_date",
    "author_name",
    "author_email",
    "author_phone",
    "source_date",
    "author_made_contact",
    "status",
    "email_of_found_person",
    "phone_of_found_person",
    "last_known_location",
    "text",
    "photo_url",
)
REQUIRED = {
    "person": ("person_record_id", "source_date", "full_name"),
    "note": ("note_record_id", "person_record_id", "author_name", "source_date", "text"),
}
ORDER = {"person": PERSON_FIELDS, "note": NOTE_FIELDS}


@dataclass(frozen=True)
class Record:
    """One PFIF person or note: its kind and its fields (PFIF names, text values, in order)."""

    kind: str
    fields: tuple[tuple[str, str], ...]

    def get(self, name: str) -> str | None:
        return next((value for key, value in self.fields if key == name), None)


def record_id(domain: str, kind: str, local_id: str) -> str:
    return f"{domain}/{kind}.{local_id}"


def _record(kind: str, values: dict[str, str | None]) -> Record:
    return Record(
        kind, tuple((name, value) for name in ORDER[kind] if (value := values.get(name)) is not None)
    )


def person_record(person: Person, domain: str, photo_url: str | None = None) -> Record:
    return _record(
        "person",
        {
            "person_record_id": record_id(domain, "person", person.person_id),
            "entry_date": clock.iso(person.entry_date),
            "expiry_date": clock.iso(person.expires_at),
            "author_name": person.author.name,
            "author_email": person.author.email,
            "author_phone": person.author.phone,
            "source_name": person.source_name,
            "source_date": clock.iso(person.source_date),
            "source_url": person.source_url,
            "full_name": person.full_name,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "alternate_names": person.alternate_names,
            "description": person.description,
            "sex": person.sex,
            "date_of_birth": str(person.birth_year) if person.birth_year else None,
            "age": str(person.age) if person.age is not None else None,
            "home_city": person.home_city,
            "home_country": person.home_country,
            "photo_url": photo_url,
        },
    )


def note_record(note: Note, domain: str) -> Record:
    contact = note.author_made_contact
    return _record(
        "note",
        {
            "note_record_id": record_id(domain, "note", note.note_id),
            "person_record_id": record_id(domain, "person", note.person_id),
            "linked_person_record_id": (
                record_id(domain, "person", note.linked_person_id) if note.linked_person_id else None
            ),
            "entry_date": clock.iso(note.entry_date),
            "author_name": note.author.name,
            "author_email": note.author.email,
            "author_phone": note.author.phone,
            "source_date": clock.iso(note.source_date),
            "author_made_contact": None if contact is None else str(contact).lower(),
            "status": note.status.value if note.status else None,
            "last_known_location": note.last_known_location,
            "text": note.text,
        },
    )


def link_back(note: Note, linked_person_id: str, domain: str) -> Record:
    """The note on the linked record that links back to the note's record (see the module)."""
    return _record(
        "note",
        {
            "note_record_id": record_id(domain, "note", f"{note.note_id}.link"),
            "person_record_id": record_id(domain, "person", linked_person_id),
            "linked_person_record_id": record_id(domain, "person", note.person_id),
            "entry_date": clock.iso(note.entry_date),
            "author_name": note.author.name,
            "source_date": clock.iso(note.source_date),
            "text": note.text,
        },
    )


def _records_of(entry: Person | Note, domain: str, photo_url: Callable[[Person], str | None]) -> list[Record]:
    if isinstance(entry, Person):
        return [person_record(entry, domain, photo_url(entry))]
    written = [note_record(entry, domain)]
    if entry.linked_person_id:
        written.append(link_back(entry, entry.linked_person_id, domain))
    return written


def records(
    entries: Iterable[Person | Note], domain: str, photo_url: Callable[[Person], str | None]
) -> list[Record]:
    return [record for entry in entries for record in _records_of(entry, domain, photo_url)]


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def document(items: Iterable[Record]) -> bytes:
    """A PFIF 1.4 XML document (UTF-8, with declaration)."""
    root = ET.Element(_q("pfif"))
    for item in items:
        element = ET.SubElement(root, _q(item.kind))
        for name, value in item.fields:
            ET.SubElement(element, _q(name)).text = value
    ET.indent(root)
    written: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return written


class InvalidPfif(ValueError):
    pass


def read(root: ET.Element) -> list[Record]:
    """The records of a parsed PFIF 1.4 document; :class:`InvalidPfif` on a structural error."""
    if root.tag != _q("pfif"):
        raise InvalidPfif(f"root element is {root.tag}, not pfif:pfif of {NAMESPACE}")
    found = []
    for element in root:
        kind = element.tag.removeprefix(f"{{{NAMESPACE}}}")
        if kind not in ORDER:
            raise InvalidPfif(f"unexpected element {element.tag}")
        fields = tuple((child.tag.removeprefix(f"{{{NAMESPACE}}}"), child.text or "") for child in element)
        names = [name for name, _ in fields]
        unknown = [n for n in names if n not in ORDER[kind]]
        if unknown:
            raise InvalidPfif(f"{kind}: unknown fields {unknown}")
        if names != sorted(names, key=ORDER[kind].index):
            raise InvalidPfif(f"{kind}: fields out of the PFIF 1.4 order")
        missing = [n for n in REQUIRED[kind] if n not in names]
        if missing:
            raise InvalidPfif(f"{kind}: missing required fields {missing}")
        found.append(Record(kind, fields))
    return found


def entries(
    since: datetime,
    *,
    limit: int,
    position: dict[str, Any] | None,
    store: SafetyStore,
    retention: timedelta,
) -> EntryPage:
    """One page of the live persons and notes entered since ``since``, in entry order.

    Nothing entered longer than ``retention`` ago is live, so the walk starts no earlier.
    """
    now = clock.now()
    page = store.entries_since(max(since, now - retention), now, limit, position)
    return EntryPage([entry for entry in page.items if entry.expires_at > now], page.position)


def render(items: Iterable[Person | Note], domain: str, photo_url: Callable[[Person], str | None]) -> bytes:
    return document(records(items, domain, photo_url))
