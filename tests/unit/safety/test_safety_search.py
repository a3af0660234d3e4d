"""The search use case over a store whose keys hold more entries than a search reads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest

from haven.safety import people
from haven.safety.people import Author, Candidate, NewPerson, Person


class Store:
    """Posting lists in insertion order, each read up to ``per_key`` entries (as a Query)."""

    def __init__(self) -> None:
        self.persons: dict[str, Person] = {}
        self.index: dict[str, list[Candidate]] = defaultdict(list)
        self.read: set[str] = set()

    def add_person(self, person: Person, keys: set[str]) -> None:
        self.persons[person.person_id] = person
        for key in keys:
            self.index[key].append(Candidate(person.person_id, person.tokens, person.expires_at))

    def candidates(self, keys: set[str], per_key: int) -> list[Candidate]:
        found = [c for key in keys for c in self.index[key][:per_key]]
        self.read |= {c.person_id for c in found}
        return found

    def people(self, person_ids: Sequence[str]) -> list[Person]:
        return [self.persons[p] for p in person_ids]


class NoLimit:
    def hit(self, key: str, limit: int, window_seconds: int) -> int | None:
        return None


def _register(store: Store, name: str) -> str:
    created = people.register(
        NewPerson(full_name=name, author=Author("A")),
        store=store,  # type: ignore[arg-type]
        photos=None,  # type: ignore[arg-type]
        retention=timedelta(days=1),
        source_name="test",
    )
    return created.person.person_id


def _search(store: Store, query: str, limit: int = 10) -> list[dict[str, Any]]:
    return people.search(query, limit=limit, client="c", store=store, limiter=NoLimit(), rate_per_minute=1)  # type: ignore[arg-type]


def test_common_words_past_the_cap_are_reached_through_the_pair_of_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(people, "MAX_CANDIDATES_PER_KEY", 5)
    store = Store()
    for n in range(10):
        _register(store, f"Mohamed Hassan {n}")
        _register(store, f"Ali Omar {n}")
    sought = _register(store, "Mohamed Ali")
    hits = _search(store, "Ali Mohammed")  # the other order: no joined word of the record
    assert [h["person_id"] for h in hits] == [sought]
    # Its words' own keys were full before it: only the pair reached it.
    store.read.clear()
    words = people.names.query_tokens("Ali Mohammed")
    singles = people.names.lookup_keys(words) - people.names.pair_keys(words)
    store.candidates(singles, 5)
    assert sought not in store.read


def test_the_best_match_comes_first_and_the_results_are_capped() -> None:
    store = Store()
    alike = _register(store, "Moustapha Hasan")
    typo = _register(store, "Mustafa Hasan")
    exact = _register(store, "Mustafa Hassan")
    longer = _register(store, "Mustafa Hassan Ali")
    _register(store, "Ahmed Hassan")
    assert [h["person_id"] for h in _search(store, "mustafa hassan")] == [exact, longer, typo, alike]
    assert [h["person_id"] for h in _search(store, "mustafa hassan", limit=2)] == [exact, longer]
