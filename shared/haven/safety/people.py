"""People who are safe or sought, and the notes about them (PFIF-style person finder).

A person record is created by the person (registering as safe) or by someone looking for them.
Its author gets a deletion token (only its hash is stored). Notes add what is known: a PFIF
status, the last known location, a text, or a link to another record of the same person. The
public name search returns only the name, the city and the latest status, never contact details.
Records expire (TTL) after the deployment's retention; an expired record is never served, even
before DynamoDB has removed it, and the photo sweep deletes its photo from S3.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from haven import clock, ids
from haven.auth import Principal, Role
from haven.errors import FieldError, Forbidden, NotFound, RateLimited, ValidationFailed
from haven.kernel import Upload
from haven.limits import RateLimiter
from haven.safety import names
from haven.safety.photos import MAX_PHOTO_BYTES as MAX_PHOTO_BYTES
from haven.safety.photos import PHOTO_TYPES as PHOTO_TYPES
from haven.safety.photos import PhotoStore as PhotoStore
from haven.safety.photos import expiry_of_photo_key as expiry_of_photo_key
from haven.safety.photos import photo_key
from haven.safety.photos import sweep_photos as sweep_photos

UPLOAD_EXPIRES_SECONDS = 900
#: Index entries read per lookup key (a bound on the work one search does).
MAX_CANDIDATES_PER_KEY = 500


class Status(StrEnum):
    """PFIF 1.4 note statuses."""

    INFORMATION_SOUGHT = "information_sought"
    IS_NOTE_AUTHOR = "is_note_author"
    BELIEVED_ALIVE = "believed_alive"
    BELIEVED_MISSING = "believed_missing"
    BELIEVED_DEAD = "believed_dead"


@dataclass(frozen=True)
class Author:
    name: str
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Person:
    person_id: str
    full_name: str
    author: Author
    source_name: str
    source_date: datetime
    entry_date: datetime
    expires_at: datetime
    deletion_token_hash: str
    given_name: str | None = None
    family_name: str | None = None
    alternate_names: str | None = None
    age: int | None = None
    birth_year: int | None = None
    sex: str | None = None
    home_city: str | None = None
    home_country: str | None = None
    description: str | None = None
    source_url: str | None = None
    photo_key: str | None = None
    latest_status: Status | None = None

    @property
    def tokens(self) -> list[str]:
        return names.name_tokens(self.full_name, self.given_name, self.family_name, self.alternate_names)


@dataclass(frozen=True)
class Note:
    note_id: str
    person_id: str
    author: Author
    entry_date: datetime
    source_date: datetime
    expires_at: datetime
    status: Status | None = None
    author_made_contact: bool | None = None
    last_known_location: str | None = None
    text: str = ""
    linked_person_id: str | None = None


@dataclass(frozen=True)
class NewPerson:
    full_name: str
    author: Author
    given_name: str | None = None
    family_name: str | None = None
    alternate_names: str | None = None
    age: int | None = None
    birth_year: int | None = None
    sex: str | None = None
    home_city: str | None = None
    home_country: str | None = None
    description: str | None = None
    source_name: str | None = None
    source_url: str | None = None
    photo_content_type: str | None = None


@dataclass(frozen=True)
class NewNote:
    author: Author
    text: str
    status: Status | None = None
    author_made_contact: bool | None = None
    last_known_location: str | None = None
    linked_person_id: str | None = None


@dataclass(frozen=True)
class Created:
    person: Person
    deletion_token: str
    upload: Upload | None


@dataclass(frozen=True)
class Candidate:
    """An entry of the name index: enough to confirm a match without reading the person."""

    person_id: str
    tokens: list[str]
    expires_at: datetime


@dataclass(frozen=True)
class EntryPage:
    """Persons and notes in entry-date order (PFIF incremental sync), and where it stopped."""

    items: list[Person | Note]
    position: dict[str, Any] | None = None


class SafetyStore(Protocol):
    def add_person(self, person: Person, keys: set[str]) -> None:
        """Write the person, then its name index entries under ``keys``."""
        ...

    def get_person(self, person_id: str) -> Person | None: ...

    def add_note(self, note: Note) -> None:
        """Write the note and, when it has a status, the person's latest status (atomically).

        Raises :class:`~haven.errors.NotFound` if the person is gone.
        """
        ...

    def candidates(self, keys: set[str], per_key: int) -> list[Candidate]: ...

    def people(self, person_ids: Sequence[str]) -> list[Person]: ...

    def delete_person(self, person: Person, keys: set[str]) -> None:
        """Remove the name index entries, the notes and the person."""
        ...

    def rekey_person(self, person: Person, keys: set[str], stale: set[str]) -> None:
        """Write the person's name index entries under ``keys``; remove those under ``stale``."""
        ...

    def entries_since(
        self, since: datetime, until: datetime, limit: int, position: dict[str, Any] | None
    ) -> EntryPage: ...


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def register(
    new: NewPerson, *, store: SafetyStore, photos: PhotoStore, retention: timedelta, source_name: str
) -> Created:
    now = clock.now()
    person_id = ids.new_id()
    token = ids.new_token()
    expires_at = now + retention
    person = Person(
        person_id=person_id,
        full_name=new.full_name,
        author=new.author,
        source_name=new.source_name or source_name,
        source_date=now,
        entry_date=now,
        expires_at=expires_at,
        deletion_token_hash=hash_token(token),
        given_name=new.given_name,
        family_name=new.family_name,
        alternate_names=new.alternate_names,
        age=new.age,
        birth_year=new.birth_year,
        sex=new.sex,
        home_city=new.home_city,
        home_country=new.home_country,
        description=new.description,
        source_url=new.source_url,
        photo_key=photo_key(person_id, expires_at) if new.photo_content_type else None,
    )
    blank = [
        FieldError(field, "must contain at least one letter or digit")
        for field, value in (
            ("full_name", new.full_name),
            ("given_name", new.given_name),
            ("family_name", new.family_name),
            ("alternate_names", new.alternate_names),
        )
        if value is not None and not names.tokens(value)
    ]
    if blank:
        raise ValidationFailed(blank)
    store.add_person(person, index_keys(person))
    upload = None
    if person.photo_key and new.photo_content_type:
        upload = photos.presign(
            person.photo_key, new.photo_content_type, MAX_PHOTO_BYTES, UPLOAD_EXPIRES_SECONDS
        )
    return Created(person, token, upload)


def live_person(person_id: str, store: SafetyStore) -> Person:
    person = store.get_person(person_id) if ids.is_id(person_id) else None
    if person is None or person.expires_at <= clock.now():
        raise NotFound("no such person record")
    return person


def add_note(person_id: str, new: NewNote, *, principal: Principal | None, store: SafetyStore) -> Note:
    person = live_person(person_id, store)
    if new.status == Status.BELIEVED_DEAD and not (principal and principal.has(Role.RESPONDER)):
        raise Forbidden("only responders may record the status believed_dead")
    if new.linked_person_id is not None:
        if new.linked_person_id == person_id:
            raise ValidationFailed([FieldError("linked_person_id", "a record cannot link to itself")])
        try:
            live_person(new.linked_person_id, store)
        except NotFound:
            raise ValidationFailed([FieldError("linked_person_id", "no such person record")]) from None
    now = clock.now()
    note = Note(
        note_id=ids.new_id(),
        person_id=person_id,
        author=new.author,
        entry_date=now,
        source_date=now,
        expires_at=person.expires_at,
        status=new.status,
        author_made_contact=new.author_made_contact,
        last_known_location=new.last_known_location,
        text=new.text,
        linked_person_id=new.linked_person_id,
    )
    store.add_note(note)
    return note


def search(
    query: str,
    *,
    limit: int,
    client: str,
    store: SafetyStore,
    limiter: RateLimiter,
    rate_per_minute: int,
) -> list[dict[str, Any]]:
    """People whose names match ``query``: name, city and latest status only."""
    wait = limiter.hit(f"people-search:{client}", rate_per_minute, 60)
    if wait is not None:
        raise RateLimited("too many searches; try again shortly", retry_after=wait)
    query_tokens = names.query_tokens(query)
    if not query_tokens:
        raise ValidationFailed([FieldError("q", "must contain at least one letter or digit")])
    ranked = rank(query_tokens, store.candidates(names.lookup_keys(query_tokens), MAX_CANDIDATES_PER_KEY))
    ranked = ranked[:limit]
    now = clock.now()
    people = {p.person_id: p for p in store.people([c.person_id for c in ranked])}
    return [
        summary(people[c.person_id])
        for c in ranked
        if c.person_id in people and people[c.person_id].expires_at > now
    ]


def rank(query_tokens: list[str], candidates: list[Candidate]) -> list[Candidate]:
    """The live candidates that match, best first: by score, then the fewest words left over
    (``Maria Garcia`` before ``Maria Garcia Lopez``), then oldest first (ids sort by time)."""
    now = clock.now()
    scored: dict[str, tuple[int, Candidate]] = {}
    for candidate in candidates:
        if candidate.person_id in scored or candidate.expires_at <= now:
            continue
        found = names.score(query_tokens, candidate.tokens)
        if found is not None:
            scored[candidate.person_id] = (found, candidate)
    ordered = sorted(scored.values(), key=lambda s: (-s[0], len(s[1].tokens), s[1].person_id))
    return [candidate for _, candidate in ordered]


def summary(person: Person) -> dict[str, Any]:
    """What the public may see of a record: never contact details, age or description."""
    return {
        "person_id": person.person_id,
        "full_name": person.full_name,
        "home_city": person.home_city,
        "latest_status": person.latest_status.value if person.latest_status else None,
    }


def delete(person_id: str, token: str, *, store: SafetyStore, photos: PhotoStore) -> None:
    person = store.get_person(person_id) if ids.is_id(person_id) else None
    if person is None or not hmac.compare_digest(person.deletion_token_hash, hash_token(token)):
        raise NotFound("no person record with this id and token")
    if person.photo_key:
        photos.delete(person.photo_key)
    store.delete_person(person, index_keys(person) | legacy_keys(person))


def index_keys(person: Person) -> set[str]:
    return names.index_keys(person.tokens)


def legacy_keys(person: Person) -> set[str]:
    """The keys the first name index wrote (records registered before ADR 0033)."""
    return names.legacy_index_keys(
        person.full_name, person.given_name, person.family_name, person.alternate_names
    )


def reindex(*, store: SafetyStore, retention: timedelta, page_size: int = 100) -> int:
    """Write the name index of every live record as it is derived now, and remove the first
    index's entries; the number of records re-keyed. Idempotent: run it again after a failure."""
    now = clock.now()
    position: dict[str, Any] | None = None
    done = 0
    while True:
        page = store.entries_since(now - retention, now, page_size, position)
        for item in page.items:
            if isinstance(item, Person) and item.expires_at > now:
                store.rekey_person(item, index_keys(item), legacy_keys(item) - index_keys(item))
                done += 1
        if page.position is None:
            return done
        position = page.position
