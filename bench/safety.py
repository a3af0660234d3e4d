"""Name search over many person records (issue 6's bench).

Records are written as the adapter writes them (the person item and one name index entry per
key) with batch writes into the in-process mocked AWS. Each of the ``probes`` people sought has
a full name and twenty namesakes sharing the family name; everyone else has a one-word name of
three letters (one index entry: names that short are matched exactly), which shares no key with
anyone sought, so the table can grow cheaply. Each probe searches with a typo, no accents and
given and family names swapped, through the whole API stack. A search is one Query per key of
its longest word (from a thread pool) and one BatchGetItem; the items the Queries read
(``ScannedCount``) are DynamoDB's cost. The emulator evaluates a Query by walking the whole
table, so wall time here grows with the table where DynamoDB's does not.
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


def _people(records: int, probes: int, rng: random.Random) -> list[Any]:
    sought = [_person(f"{given} {family}", rng) for given, family in _SOUGHT[:probes]] + [
        _person(f"{rng.choice(_GIVEN)} {n} {family}", rng)
        for _, family in _SOUGHT[:probes]
        for n in range(NAMESAKES)
    ]
    rest = [
        _person("".join(rng.choice(string.ascii_lowercase) for _ in range(3)).capitalize(), rng)
        for _ in range(records - len(sought))
    ]
    return sought + rest


def _store(people: list[Any]) -> int:
    """Batch-write every person and its index entries; the number of items written."""
    from haven.adapters.dynamo.models import SafetyRecord
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


def name_search_cost(records: int, probes: int) -> None:
    import app as api
    import boto3
    from moto import mock_aws

    from haven.adapters.aws import reset_clients
    from haven.adapters.dynamo.models import RateWindow, SafetyRecord
    from local.lambda_context import LambdaContext
    from local.provision import create_tables

    assert probes <= len(_SOUGHT), f"at most {len(_SOUGHT)} probes"
    rng = random.Random(17)
    people = _people(records, probes, rng)
    searches = []
    for n, (given, family) in enumerate(_SOUGHT[:probes]):
        event = _get("/v1/safety/people", {"q": _query(given, family)})
        event["requestContext"]["identity"] = {"sourceIp": f"198.51.100.{n + 1}"}  # one client each
        searches.append(event)
    context = LambdaContext("api")
    counter = CallCounter(every_thread=True)  # the index keys are looked up from a thread pool
    saved = os.environ.pop("AWS_ENDPOINT_URL", None)
    try:
        with mock_aws():
            reset_clients()
            SafetyRecord._connection = None
            RateWindow._connection = None  # the search counts each client's searches
            create_tables(boto3.client("dynamodb"))
            started = time.perf_counter()
            items = _store(people)
            load_seconds = time.perf_counter() - started
            found: list[str] = []

            def search(event: dict[str, Any]) -> Any:
                response = api.handler(event, context)
                found.append(response["body"])
                return response

            times, calls, scanned = _measure(counter, searches, search)
            operations = Counter(counter.calls)  # the last search's
    finally:
        if saved is not None:
            os.environ["AWS_ENDPOINT_URL"] = saved
        reset_clients()
        SafetyRecord._connection = None
        RateWindow._connection = None  # the search counts each client's searches
    hits = sum(
        f"{given} {family}" in {item["full_name"] for item in json.loads(body)["items"]}
        for body, (given, family) in zip(found[len(searches[:3]) :], _SOUGHT, strict=False)  # after warm-up
    )
    assert hits == probes, f"only {hits} of {probes} people sought were found"
    _table(
        f"Name search with {records:,} person records stored ({items:,} items, batch-loaded in "
        f"{load_seconds:.0f} s; {probes} probes, each with {NAMESAKES} namesakes; p99 is the slowest)",
        ["request", "emulator ms (median)", "p99 ms", "AWS calls", "items read (ScannedCount)"],
        [
            [
                "GET /v1/safety/people?q=<typo'd family, given>",
                f"{statistics.median(times) * 1000:.0f}",
                f"{_pct(times, 0.99) * 1000:.0f}",
                f"{statistics.mean(calls):.1f} ({_breakdown(operations)})",
                f"{statistics.mean(scanned):.1f}",
            ]
        ],
    )
