"""The roster export: paging through the whole-roster term, the cap, the CSV form."""

from __future__ import annotations

import csv
import io
from typing import Any

from haven.recruitment.roster import EXPORT_COLUMNS, Entry, Export, SearchPlan, export


def _entry(n: int, legal_name: str | None = None) -> Entry:
    return Entry(
        recruiter_id=f"org-{n:03d}",
        application_id=f"app-{n:03d}",
        legal_name=legal_name or f"Recruiter {n:03d}",
        trading_names=[],
        status="accredited",
        countries=["NP"],
        corridors=[{"origin": "NP", "destination": "QA"}],
        licences=[{"country": "NP", "number": f"DOFE-{n}"}],
        valid_from="2026-01-01T00:00:00+00:00",
        valid_until="2029-01-01T00:00:00+00:00",
        updated_at="2026-01-01T00:00:00+00:00",
    )


class Pages:
    """The ``roster`` term of ``stored`` entries, a Query at a time."""

    def __init__(self, stored: int) -> None:
        self.entries = [_entry(n) for n in range(stored)]
        self.queries: list[tuple[str, int]] = []

    def page(self, plan: SearchPlan, limit: int, position: dict[str, Any] | None) -> tuple[list[Entry], Any]:
        self.queries.append((plan.term, limit))
        start = position["at"] if position else 0
        end = min(start + limit, len(self.entries))
        return self.entries[start:end], {"at": end} if end < len(self.entries) else None


def test_export_pages_through_the_whole_roster_term() -> None:
    pages = Pages(1_203)
    exported = export(pages)
    assert [i["recruiter_id"] for i in exported.items] == [f"org-{n:03d}" for n in range(1_203)]
    assert not exported.truncated
    assert pages.queries == [("roster", 500), ("roster", 500), ("roster", 500)]


def test_export_stops_at_the_cap_and_says_so() -> None:
    pages = Pages(30)
    capped = export(pages, cap=10)
    assert (len(capped.items), capped.truncated) == (10, True)
    assert sum(limit for _, limit in pages.queries) == 11  # one more than the cap, no more
    exact = export(Pages(10), cap=10)
    assert (len(exact.items), exact.truncated) == (10, False)


def test_csv_has_the_header_row_and_defuses_formulas() -> None:
    rows = [_entry(1, '=HYPERLINK("http://x")'), _entry(2, "@SUM(A1)"), _entry(3, "Plain Ltd")]
    text = Export([e.public() for e in rows], truncated=False).as_csv()
    parsed = list(csv.reader(io.StringIO(text)))
    assert tuple(parsed[0]) == EXPORT_COLUMNS
    assert [r[1] for r in parsed[1:]] == ['\'=HYPERLINK("http://x")', "'@SUM(A1)", "Plain Ltd"]
    assert parsed[1][6:8] == ["NP-QA", "NP DOFE-1"]


def test_etag_follows_the_content_and_the_format() -> None:
    one = Export([_entry(1).public()], truncated=False)
    assert one.etag("csv") == Export([_entry(1).public()], truncated=False).etag("csv")
    assert one.etag("csv") != one.etag("json")
    assert one.etag("csv") != Export([_entry(2).public()], truncated=False).etag("csv")
