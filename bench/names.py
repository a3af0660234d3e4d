"""Name variants: do relatives' spellings find the person? (issue 15's benchmark)

``bench/name_variants.json`` holds registered names, the variants a relative types for each
(labelled by case: another script, a spelling variant, a sound-alike, particles and
punctuation, word order, one typo per word, diacritics) and distractors: common names of many
cultures and scripts. Every name is registered through :func:`haven.safety.people.register`
into an in-memory store that keeps the name index as the DynamoDB adapter does (one posting
list per key, read up to the same cap), and each variant is searched with
:func:`haven.safety.people.search`, the function the API runs, for the first 10 results.
Recall@10 is the share of variants whose person is among them; results per query counts
everything returned (the namesakes a relative would have to look through), found first the
share whose person is the first result. ADR 10's search runs on the same data beside it.
``--misses`` lists the variants not found.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.__main__ import _table

DATA = Path(__file__).with_name("name_variants.json")
TOP = 10
#: What the issue asks of it.
MIN_RECALL, MAX_MEAN_RESULTS = 0.95, 5.0


class MemorySafetyStore:
    """The name index as posting lists in memory; only what registration and search use."""

    def __init__(self) -> None:
        self.persons: dict[str, Any] = {}
        self.index: dict[str, list[Any]] = defaultdict(list)
        self.reads = 0

    def add_person(self, person: Any, keys: set[str]) -> None:
        from haven.safety.people import Candidate

        self.persons[person.person_id] = person
        for key in keys:
            self.index[key].append(Candidate(person.person_id, person.tokens, person.expires_at))

    def candidates(self, keys: set[str], per_key: int) -> list[Any]:
        found = [c for key in sorted(keys) for c in self.index.get(key, [])[:per_key]]
        self.reads += len(found)
        return found

    def people(self, person_ids: Sequence[str]) -> list[Any]:
        return [self.persons[p] for p in dict.fromkeys(person_ids) if p in self.persons]


class LegacySearch:
    """ADR 10's search, for comparison: normalised words in their own script, the deletion keys
    of the longest query word, each query word equal or one edit from a distinct name word."""

    def __init__(self) -> None:
        self.index: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)

    def add(self, person_id: str, name: str) -> None:
        from haven.safety.names import legacy_index_keys, legacy_tokens

        for key in legacy_index_keys(name):
            self.index[key].append((person_id, legacy_tokens(name)))

    def search(self, query: str, limit: int) -> list[str]:
        from haven.safety.names import MIN_FUZZY_LENGTH, deletions, distance, legacy_tokens

        words = legacy_tokens(query)
        if not words:
            return []
        longest = max(words, key=lambda t: (len(t), t))
        keys = deletions(longest) if len(longest) >= MIN_FUZZY_LENGTH else {longest}

        def alike(a: str, b: str) -> bool:
            return a == b or (min(len(a), len(b)) >= MIN_FUZZY_LENGTH and distance(a, b) <= 1)

        def assign(rest: list[str], available: list[str]) -> bool:
            if not rest:
                return True
            return any(
                alike(rest[0], t) and assign(rest[1:], available[:i] + available[i + 1 :])
                for i, t in enumerate(available)
            )

        found = {
            pid: tokens for key in keys for pid, tokens in self.index.get(key, []) if assign(words, tokens)
        }
        ranked = sorted(found, key=lambda pid: (-len(set(words) & set(found[pid])), pid))
        return ranked[:limit]


class _NoLimit:
    def hit(self, key: str, limit: int, window_seconds: int) -> int | None:
        return None


class _NoPhotos:
    pass


def name_variants(show_misses: bool = False) -> bool:
    """Register every name, search every variant; print recall@10 and results per query, and
    whether they meet the goal."""
    from haven.safety import people
    from haven.safety.people import Author, NewPerson

    data = json.loads(DATA.read_text(encoding="utf-8"))
    store = MemorySafetyStore()
    ids: dict[str, str] = {}
    legacy = LegacySearch()
    for record in [*data["records"], *data["distractors"]]:
        created = people.register(
            NewPerson(full_name=record["name"], author=Author(name="Bench")),
            store=store,  # type: ignore[arg-type]
            photos=_NoPhotos(),  # type: ignore[arg-type]
            retention=timedelta(days=40),
            source_name="bench",
        )
        ids[record["id"]] = created.person.person_id
        legacy.add(created.person.person_id, record["name"])
    by_case: dict[str, list[tuple[bool, int, int, bool, bool]]] = defaultdict(list)
    misses = []
    for query in data["queries"]:
        store.reads = 0
        results = people.search(
            query["query"],
            limit=TOP,
            client="bench",
            store=store,
            limiter=_NoLimit(),
            rate_per_minute=1,  # type: ignore[arg-type]
        )
        found = [r["person_id"] for r in results]
        hit = ids[query["target"]] in found
        first = bool(found) and found[0] == ids[query["target"]]
        before = ids[query["target"]] in legacy.search(query["query"], TOP)
        by_case[query["case"]].append((hit, len(found), store.reads, first, before))
        if not hit:
            target = next(r["name"] for r in data["records"] if r["id"] == query["target"])
            got = [r["full_name"] for r in results][:3]
            misses.append(f"  {query['case']}: {query['query']!r} → {target!r} (got {got})")
    every = [row for rows in by_case.values() for row in rows]
    recall = sum(row[0] for row in every) / len(every)
    mean_results = statistics.mean(row[1] for row in every)

    def row(case: str, found: list[tuple[bool, int, int, bool, bool]]) -> list[str]:
        return [
            case,
            str(len(found)),
            f"{sum(r[0] for r in found) / len(found):.3f}",
            f"{sum(r[3] for r in found) / len(found):.3f}",
            f"{statistics.mean(r[1] for r in found):.2f}",
            f"{statistics.mean(r[2] for r in found):.0f}",
            f"{sum(r[4] for r in found) / len(found):.3f}",
        ]

    rows = [row(case, found) for case, found in sorted(by_case.items())] + [row("all", every)]
    _table(
        f"Name variants: {len(every)} variants of {len(data['records'])} people among "
        f"{len(data['distractors']):,} distractors "
        f"(goal: recall@{TOP} ≥ {MIN_RECALL}, ≤ {MAX_MEAN_RESULTS:.0f} results per query)",
        [
            "case",
            "variants",
            f"recall@{TOP}",
            "found first",
            "results per query",
            "index entries read",
            f"ADR 10's recall@{TOP}",
        ],
        rows,
    )
    if show_misses and misses:
        print("\n".join(["Not found:", *misses]))
    return recall >= MIN_RECALL and mean_results <= MAX_MEAN_RESULTS


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "shared"))
    if not name_variants(show_misses="--misses" in sys.argv):
        sys.exit("name variants below the goal")
