"""The person finder in DynamoDB: persons, notes, the name index, entry order, rate counters."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError

from haven.adapters.dynamo.connection import cancelled_on_condition, transaction
from haven.adapters.dynamo.models.safety import SafetyRecord
from haven.errors import NotFound
from haven.safety.people import Author, Candidate, EntryPage, Note, Person, Status

#: Name index keys looked up at once (a search reads a bounded number: haven.safety.names).
LOOKUP_THREADS = 8

_TIMES = ("source_date", "entry_date", "expires_at")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _person_pk(person_id: str) -> str:
    return f"person#{person_id}"


def _entry_record(pk: str, sk: str, record: Person | Note, record_id: str) -> SafetyRecord:
    """The item of a person or note, in the ``by_entry`` index by its entry date."""
    return SafetyRecord(
        pk,
        sk,
        kind="person" if isinstance(record, Person) else "note",
        data=_data(record),
        expires_at=record.expires_at,
        entry_day=record.entry_date.astimezone(UTC).date().isoformat(),
        entry_key=f"{_iso(record.entry_date)}#{record_id}",
    )


def _data(record: Person | Note) -> dict[str, Any]:
    data = asdict(record)
    for name in _TIMES:
        data[name] = _iso(getattr(record, name))
    data.pop("latest_status", None)
    return data


def _restore(data: dict[str, Any]) -> dict[str, Any]:
    restored = dict(data)
    for name in _TIMES:
        restored[name] = datetime.fromisoformat(data[name])
    restored["author"] = Author(**data["author"])
    if restored.get("status"):
        restored["status"] = Status(restored["status"])
    return restored


def person_of(item: SafetyRecord) -> Person:
    status = Status(item.latest_status) if item.latest_status else None
    return Person(**_restore(item.data), latest_status=status)


def note_of(item: SafetyRecord) -> Note:
    return Note(**_restore(item.data))


def person_items(person: Person, keys: set[str]) -> tuple[SafetyRecord, list[SafetyRecord]]:
    """The person's item and its name index entries (one per key), as they are stored."""
    tokens, expires_at = person.tokens, person.expires_at
    entries = [
        SafetyRecord(f"name#{key}", person.person_id, kind="name", tokens=tokens, expires_at=expires_at)
        for key in sorted(keys)
    ]
    return _entry_record(_person_pk(person.person_id), "person", person, person.person_id), entries


class DynamoSafetyStore:
    def add_person(self, person: Person, keys: set[str]) -> None:
        record, entries = person_items(person, keys)
        record.save(condition=SafetyRecord.pk.does_not_exist())
        with SafetyRecord.batch_write() as batch:
            for entry in entries:
                batch.save(entry)

    def rekey_person(self, person: Person, keys: set[str], stale: set[str]) -> None:
        _, entries = person_items(person, keys)
        with SafetyRecord.batch_write() as batch:
            for entry in entries:
                batch.save(entry)
            for key in sorted(stale):
                batch.delete(SafetyRecord(f"name#{key}", person.person_id))

    def get_person(self, person_id: str) -> Person | None:
        try:
            return person_of(SafetyRecord.get(_person_pk(person_id), "person"))
        except SafetyRecord.DoesNotExist:
            return None

    def add_note(self, note: Note) -> None:
        record = _entry_record(_person_pk(note.person_id), f"note#{note.note_id}", note, note.note_id)
        person = SafetyRecord(_person_pk(note.person_id), "person")
        try:
            with transaction() as writes:
                writes.save(record, condition=SafetyRecord.pk.does_not_exist())
                if note.status is None:
                    writes.condition_check(
                        SafetyRecord, person.pk, person.sk, condition=SafetyRecord.pk.exists()
                    )
                else:
                    writes.update(
                        person,
                        actions=[SafetyRecord.latest_status.set(note.status.value)],
                        condition=SafetyRecord.pk.exists(),
                    )
        except TransactWriteError as error:
            if cancelled_on_condition(error):
                raise NotFound("no such person record") from None
            raise

    def candidates(self, keys: set[str], per_key: int) -> list[Candidate]:
        def lookup(key: str) -> list[Candidate]:
            return [
                Candidate(item.sk, [str(t) for t in item.tokens or []], item.expires_at)
                for item in SafetyRecord.query(f"name#{key}", limit=per_key)
            ]

        with ThreadPoolExecutor(max_workers=min(LOOKUP_THREADS, len(keys) or 1)) as pool:
            return [c for found in pool.map(lookup, sorted(keys)) for c in found]

    def people(self, person_ids: Sequence[str]) -> list[Person]:
        if not person_ids:
            return []
        keys = [(_person_pk(person_id), "person") for person_id in dict.fromkeys(person_ids)]
        return [person_of(item) for item in SafetyRecord.batch_get(keys)]

    def delete_person(self, person: Person, keys: set[str]) -> None:
        pk = _person_pk(person.person_id)
        notes = [i for i in SafetyRecord.query(pk, SafetyRecord.sk.startswith("note#"))]
        with SafetyRecord.batch_write() as batch:
            for key in sorted(keys):
                batch.delete(SafetyRecord(f"name#{key}", person.person_id))
            for note in notes:
                batch.delete(note)
        # The person last: a failure above leaves it, and its token, for a retry.
        SafetyRecord(pk, "person").delete()

    def entries_since(
        self, since: datetime, until: datetime, limit: int, position: dict[str, Any] | None
    ) -> EntryPage:
        day = datetime.fromisoformat(position["day"]).date() if position else since.astimezone(UTC).date()
        start_key = position.get("key") if position else None
        last_day = until.astimezone(UTC).date()
        items: list[Person | Note] = []
        while day <= last_day:
            result = SafetyRecord.by_entry.query(
                day.isoformat(),
                SafetyRecord.entry_key >= _iso(since),
                limit=limit - len(items),
                last_evaluated_key=start_key,
            )
            items.extend(person_of(i) if i.kind == "person" else note_of(i) for i in result)
            start_key = result.last_evaluated_key
            if start_key is None:
                day += timedelta(days=1)
            if len(items) >= limit:
                break
        if day > last_day:
            return EntryPage(items, None)
        return EntryPage(items, {"day": day.isoformat(), "key": start_key})
