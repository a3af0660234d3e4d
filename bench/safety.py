"""Name search over many person records: its cost must not grow with the table (issues 6, 15).

Records are written as the adapter writes them (the person item and one name index entry per
key) with batch writes into the in-process mocked AWS. Each of the ``probes`` people sought has
a full name and twenty namesakes sharing the family name; everyone else has a one-word name of
three letters whose keys (one sound of at most two letters each) are none of the keys a probe
reads, so the table can grow cheaply. Each probe searches with a typo, no accents and given and
family names swapped, through the whole API stack, at each table size. A search is one Query
per key of its words and joined words (haven.safety.names; a bounded number, each read up to
``MAX_CANDIDATES_PER_KEY`` entries, from a thread pool) and one BatchGetItem; the items the
Queries read (``ScannedCount``) are DynamoDB's cost, and must be the same at 1k and 100k. The
emulator evaluates a Query by walking the whole table, so wall time here grows with the table
where DynamoDB's does not.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import string
import time
from collections import Counter
from datetime import timedelta
from typing import Any

from bench.__main__ import CallCounter, _breakdown, _pct, _table
from bench.roster import _get, _measure

#: Given and family names of the people sought (the family name is the longest word).
_SOUGHT = (
    ("José", "Fernandes"),
    ("Amara", "Okonkwo"),
    ("Ewa", "Kowalski"),
    ("Rania", "Haddadin"),
    ("Farid", "Mahmoudi"),
    ("Grace", "Wanjiruh"),
    ("Marko", "Petrović"),
    ("Yuki", "Nakamura"),
    ("Ana", "Rodrigues"),
    ("Lars", "Andersen"),
)
_GIVEN = ("Ali", "Maria", "John", "Fatima", "Mohamed", "Sara", "David", "Aisha", "Peter", "Leila")
NAMESAKES = 20


def _person(full_name: str, rng: random.Random) -> Any:
    from haven import clock, ids
    from haven.safety.people import Author, Person

    now = clock.now()
    return Person(
        person_id=ids.new_id(),
        full_name=full_name,
        author=Author(name="Bench"),
        source_name="bench",
        source_date=now,
        entry_date=now,
        expires_at=now + timedelta(days=40),
        deletion_token_hash="0" * 64,
        home_city=rng.choice(("Kathmandu", "Lagos", "Quito", "Beirut")),
    )


def _filler(count: int, avoid: set[str], rng: random.Random) -> list[str]:
    """One-word names of three letters with one key each, none of them in ``avoid``."""
    from haven.safety.names import index_keys, tokens

    found: list[str] = []
    while len(found) < count:
        name = "".join(rng.choice(string.ascii_lowercase) for _ in range(3)).capitalize()
        keys = index_keys(tokens(name))
        if len(keys) == 1 and not keys & avoid:
            found.append(name)
    return found


def _people(records: int, probes: int, rng: random.Random) -> list[Any]:
    from haven.safety.names import lookup_keys, query_tokens

    sought = [_person(f"{given} {family}", rng) for given, family in _SOUGHT[:probes]] + [
        _person(f"{rng.choice(_GIVEN)} {n} {family}", rng)
        for _, family in _SOUGHT[:probes]
        for n in range(NAMESAKES)
    ]
    read = set().union(*(lookup_keys(query_tokens(_query(g, f))) for g, f in _SOUGHT[:probes]))
    return sought + [_person(name, rng) for name in _filler(records - len(sought), read, rng)]


def _store(people: list[Any]) -> int:
    """Batch-write every person and its index entries; the number of items written."""
    from haven.adapters.dynamo.models.safety import SafetyRecord
    from haven.adapters.dynamo.safety import person_items
    from haven.safety.names import index_keys

    written = 0
    with SafetyRecord.batch_write() as batch:
        for person in people:
            record, entries = person_items(person, index_keys(person.tokens))
            for item in (record, *entries):
                batch.save(item)
            written += 1 + len(entries)
    return written


def _query(given: str, family: str) -> str:
    """Family name first, two letters swapped, accents dropped: what a hurried relative types."""
    typo = family[:3] + family[4] + family[3] + family[5:]
    return f"{typo} {given}".replace("é", "e").replace("ć", "c")


def name_search_cost(sizes: tuple[int, ...], probes: int) -> None:
    import app as api
    import boto3
    from moto import mock_aws

    from haven.adapters.aws import reset_clients
    from haven.adapters.dynamo.models.api import RateWindow
    from haven.adapters.dynamo.models.safety import SafetyRecord
    from haven.safety.names import lookup_keys, query_tokens
    from haven.safety.people import MAX_CANDIDATES_PER_KEY
    from local.lambda_context import LambdaContext
    from local.provision import create_tables

    assert probes <= len(_SOUGHT), f"at most {len(_SOUGHT)} probes"
    keys = [len(lookup_keys(query_tokens(_query(g, f)))) for g, f in _SOUGHT[:probes]]
    context = LambdaContext("api")
    counter = CallCounter(every_thread=True)  # the index keys are looked up from a thread pool
    rows = []
    scanned_at: dict[int, float] = {}
    saved = os.environ.pop("AWS_ENDPOINT_URL", None)
    try:
        for size in sizes:
            rng = random.Random(17)
            people = _people(size, probes, rng)
            searches = []
            for n, (given, family) in enumerate(_SOUGHT[:probes]):
                event = _get("/v1/safety/people", {"q": _query(given, family)})
                event["requestContext"]["identity"] = {"sourceIp": f"198.51.{size % 256}.{n + 1}"}
                searches.append(event)
            with mock_aws():
                reset_clients()
                SafetyRecord._connection = None
                RateWindow._connection = None  # the search counts each client's searches
                create_tables(boto3.client("dynamodb"))
                started = time.perf_counter()
                items = _store(people)
                load_seconds = time.perf_counter() - started
                found: list[str] = []

                def search(event: dict[str, Any], found: list[str] = found) -> Any:
                    response = api.handler(event, context)
                    found.append(response["body"])
                    return response

                times, calls, scanned = _measure(counter, searches, search)
                operations = Counter(counter.calls)  # the last search's
            hits = sum(
                f"{given} {family}" == json.loads(body)["items"][0]["full_name"]
                for body, (given, family) in zip(found[len(searches[:3]) :], _SOUGHT, strict=False)
            )
            assert hits == probes, f"only {hits} of {probes} people sought were found first"
            scanned_at[size] = statistics.mean(scanned)
            rows.append(
                [
                    f"{size:,} ({items:,} items, loaded in {load_seconds:.0f} s)",
                    f"{statistics.median(times) * 1000:.0f}",
                    f"{_pct(times, 0.99) * 1000:.0f}",
                    f"{statistics.mean(calls):.1f} ({_breakdown(operations)})",
                    f"{scanned_at[size]:.1f}",
                ]
            )
    finally:
        if saved is not None:
            os.environ["AWS_ENDPOINT_URL"] = saved
        reset_clients()
        SafetyRecord._connection = None
        RateWindow._connection = None
    small, large = sizes[0], sizes[-1]
    rows.append([f"ratio {large:,} / {small:,}", "", "", "", f"{scanned_at[large] / scanned_at[small]:.2f}"])
    _table(
        f"Name search with {small:,} and {large:,} person records stored ({probes} probes, each with "
        f"{NAMESAKES} namesakes, found first; {min(keys)}–{max(keys)} keys per search, each read up "
        f"to {MAX_CANDIDATES_PER_KEY} entries; p99 is the slowest)",
        ["person records", "emulator ms (median)", "p99 ms", "AWS calls", "items read (ScannedCount)"],
        rows,
    )
