"""Roster search and licence verification with many recruiters stored (issue 7's bench).

``recruiters`` entries are written as a transition writes them (profile, search entries,
licence items) with batch writes into the in-process mocked AWS; then ``probes`` name searches
and licence verifications go through the whole API stack (API Gateway event → Chalice app →
adapters). Verification must be one AWS call (a GetItem); a search one Query reading about a
page. The emulator evaluates a Query by walking the whole table, so search wall time here grows
with the table where DynamoDB's does not: the items read (``ScannedCount``) are DynamoDB's cost.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench.__main__ import CallCounter, _api_event, _pct, _table

_COUNTRIES = ("NP", "PH", "BD", "LK", "IN", "PK", "ID", "KE")
_DESTINATIONS = ("QA", "AE", "SA", "KW", "MY", "JP")
_SYLLABLES = ("ka", "li", "ma", "ti", "ne", "pa", "ro", "su", "da", "gi", "ho", "ba", "me", "lo", "ra", "tu")
_TRADES = ("Overseas", "Manpower", "Global Recruitment", "Employment", "Human Resources", "Placement")
_FORMS = ("Pvt. Ltd.", "Inc.", "S.A.", "Agency", "LLC")


def _entries(recruiters: int, rng: random.Random) -> list[Any]:
    from haven.recruitment.roster import Entry

    entries = []
    for n in range(recruiters):
        word = "".join(rng.choice(_SYLLABLES) for _ in range(3)).capitalize()
        origin, destination = rng.choice(_COUNTRIES), rng.choice(_DESTINATIONS)
        entries.append(
            Entry(
                recruiter_id=f"org-{n:06d}",
                application_id=f"app-{n:06d}",
                legal_name=f"{word} {rng.choice(_TRADES)} {rng.choice(_FORMS)}",
                trading_names=[],
                status="suspended" if n % 50 == 0 else "accredited",
                countries=[origin, destination],
                corridors=[{"origin": origin, "destination": destination}],
                licences=[{"country": origin, "number": f"LIC-{n:06d}"}],
                valid_from="2026-01-01T00:00:00+00:00",
                valid_until="2029-01-01T00:00:00+00:00",
                updated_at="2026-01-01T00:00:00+00:00",
            )
        )
    return entries


def _store(entries: list[Any]) -> None:
    from haven.adapters.dynamo.accreditation import roster_items
    from haven.adapters.dynamo.models.recruitment import RosterItem

    with RosterItem.batch_write() as batch:
        for entry in entries:
            profile, terms, licences = roster_items(entry)
            for item in (profile, *terms, *licences):
                batch.save(item)


def _get(path: str, query: dict[str, str]) -> dict[str, Any]:
    event = _api_event("GET", path)
    event["queryStringParameters"] = query
    event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
    return event


def _measure(
    counter: CallCounter, requests: list[dict[str, Any]], handle: Callable[[dict[str, Any]], Any]
) -> tuple[list[float], list[int], list[int]]:
    """Wall time, AWS calls and items read of each request (after a few to warm up)."""
    for event in requests[:3]:
        handle(event)
    times, calls, scanned = [], [], []
    for event in requests:
        counter.calls.clear()
        counter.scanned = 0
        started = time.perf_counter()
        response = handle(event)
        times.append(time.perf_counter() - started)
        assert response["statusCode"] == 200, response
        calls.append(sum(counter.calls.values()))
        scanned.append(counter.scanned)
    return times, calls, scanned


def roster_cost(recruiters: int, probes: int) -> None:
    import app as api
    import boto3
    from moto import mock_aws

    from haven.adapters.aws import reset_clients
    from haven.adapters.dynamo.models.recruitment import RosterItem
    from local.lambda_context import LambdaContext
    from local.provision import create_tables

    rng = random.Random(13)
    entries = _entries(recruiters, rng)
    sampled = rng.sample(entries, probes)
    searches = [_get("/v1/roster", {"q": e.legal_name.split()[0].lower()}) for e in sampled]
    verifications = [
        _get("/v1/roster/verify", {"country": lic["country"], "licence_number": lic["number"].lower()})
        for lic in (e.licences[0] for e in sampled)
    ]
    context = LambdaContext("api")
    counter = CallCounter()
    rows = []
    saved = os.environ.pop("AWS_ENDPOINT_URL", None)
    try:
        with mock_aws():
            reset_clients()
            RosterItem._connection = None
            create_tables(boto3.client("dynamodb"))
            started = time.perf_counter()
            _store(entries)
            load_seconds = time.perf_counter() - started
            calls_of: dict[str, list[int]] = {}
            for name, requests in (
                ("GET /v1/roster?q=<name word>", searches),
                ("GET /v1/roster/verify", verifications),
            ):
                times, calls, scanned = _measure(counter, requests, lambda e: api.handler(e, context))
                calls_of[name] = calls
                rows.append(
                    [
                        name,
                        f"{statistics.median(times) * 1000:.2f}",
                        f"{_pct(times, 0.99) * 1000:.2f}",
                        f"{min(calls)}-{max(calls)}" if min(calls) != max(calls) else str(calls[0]),
                        f"{statistics.mean(scanned):.1f}",
                    ]
                )
    finally:
        if saved is not None:
            os.environ["AWS_ENDPOINT_URL"] = saved
        reset_clients()
        RosterItem._connection = None
    _table(
        f"Roster with {recruiters:,} recruiters stored "
        f"({probes} probes each; batch-loaded in {load_seconds:.0f} s)",
        ["request", "emulator ms (median)", "p99 ms", "AWS calls", "items a Query read (ScannedCount)"],
        rows,
    )
    verification_calls = set(calls_of["GET /v1/roster/verify"])
    print(f"\nAWS calls per licence verification: {', '.join(map(str, sorted(verification_calls)))}")
    assert verification_calls == {1}, "a licence verification must be exactly one AWS call"
