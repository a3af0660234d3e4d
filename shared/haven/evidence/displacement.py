"""Displacement evidence: counters kept up to date from incident events, read with suppression.

Every ``incident.opened`` / ``incident.updated`` event sets what one incident contributes to one
cell (month, hazard, country): one incident, its reports and the people it affected, when its
category is ``displaced_people_and_evacuations`` and a responder has not dismissed it; nothing
otherwise. The aggregator stores, per incident, the version and the contribution it applied,
and moves the difference into the cells in one conditional transaction: a redelivered or older
event changes nothing, a newer one replaces the previous contribution. Reading is a Query per
month; cells are summed to the groups asked for, then any group with fewer contributing reports
than the minimum is suppressed, so that no individual report can be singled out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from haven.errors import FieldError, ValidationFailed
from haven.events.crisis import IncidentEvent

DISPLACEMENT = "displaced_people_and_evacuations"
DIMENSIONS = ("hazard", "country", "month")
COUNTS = ("incidents", "reports", "people_displaced")
MAX_MONTHS = 60
#: HXL hashtags of the CSV's second row (https://hxlstandard.org).
HXL = {
    "hazard": "#event+type",
    "country": "#country+code+v_iso3",
    "month": "#date+month",
    "incidents": "#event+num",
    "reports": "#indicator+reports+num",
    "people_displaced": "#affected+displaced+num",
    "suppressed": "#meta+suppressed",
}


@dataclass(frozen=True)
class Contribution:
    month: str
    hazard: str
    country: str
    incidents: int = 0
    reports: int = 0
    people_displaced: int = 0

    @property
    def counts(self) -> tuple[int, int, int]:
        return (self.incidents, self.reports, self.people_displaced)


@dataclass(frozen=True)
class Applied:
    """The last incident version the counters include, and what it contributed."""

    version: int
    contribution: Contribution


class EvidenceStore(Protocol):
    def applied(self, incident_id: str) -> Applied | None: ...

    def apply(self, incident_id: str, previous: Applied | None, new: Applied) -> None:
        """Replace ``previous`` by ``new`` in the cells, if ``previous`` is still what is stored.

        Raises :class:`~haven.errors.Conflict` when another event for the incident came first.
        """
        ...

    def cells(self, month: str) -> list[Contribution]: ...


def contribution_of(event: IncidentEvent, *, month: str, country: str) -> Contribution:
    counted = event.category == DISPLACEMENT and event.status != "dismissed"
    if not counted:
        return Contribution(month, event.hazard, country)
    return Contribution(
        month,
        event.hazard,
        country,
        incidents=1,
        reports=event.report_count,
        people_displaced=event.people_affected,
    )


def record_incident(
    event: IncidentEvent, *, store: EvidenceStore, locate: Callable[[float, float], str]
) -> bool:
    """Apply one incident event; ``False`` when it was already applied or is older."""
    incident_id, version = event.incident_id, event.version
    previous = store.applied(incident_id)
    if previous is not None and previous.version >= version:
        return False
    # Month and country stay those of the first event seen: an incident stays in its cell.
    if previous is not None:
        month, country = previous.contribution.month, previous.contribution.country
    else:
        month = event.occurred_at[:7]
        country = locate(event.location.lat, event.location.lon)
    store.apply(incident_id, previous, Applied(version, contribution_of(event, month=month, country=country)))
    return True


def parse_month(text: str, field: str) -> date:
    try:
        year, month = text.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        raise ValidationFailed([FieldError(field, "must be a month, YYYY-MM")]) from None


def months(first: date, last: date) -> list[str]:
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    if count < 1:
        raise ValidationFailed([FieldError("to", "must not be before from")])
    if count > MAX_MONTHS:
        raise ValidationFailed([FieldError("to", f"a range covers at most {MAX_MONTHS} months")])
    return [
        f"{first.year + (first.month - 1 + n) // 12:04d}-{(first.month - 1 + n) % 12 + 1:02d}"
        for n in range(count)
    ]


def displacement(
    first: date, last: date, group_by: Sequence[str], *, store: EvidenceStore, min_reports: int
) -> list[dict[str, Any]]:
    """One row per group with incidents; groups under ``min_reports`` reports are suppressed."""
    totals: dict[tuple[str, ...], list[int]] = {}
    for month in months(first, last):
        for cell in store.cells(month):
            if cell.incidents <= 0:
                continue
            key = tuple(getattr(cell, dimension) for dimension in group_by)
            sums = totals.setdefault(key, [0, 0, 0])
            for i, value in enumerate(cell.counts):
                sums[i] += value
    rows = []
    for key in sorted(totals):
        row: dict[str, Any] = dict(zip(group_by, key, strict=True))
        suppressed = totals[key][1] < min_reports
        row.update({name: None if suppressed else totals[key][i] for i, name in enumerate(COUNTS)})
        row["suppressed"] = suppressed
        rows.append(row)
    return rows


def to_csv(rows: list[dict[str, Any]], group_by: Sequence[str]) -> str:
    """CSV with the column names, then the HXL hashtags, then the rows."""
    columns = [*group_by, *COUNTS, "suppressed"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerow([HXL[c] for c in columns])
    for row in rows:
        writer.writerow(
            ["" if row[c] is None else str(row[c]).lower() if c == "suppressed" else row[c] for c in columns]
        )
    return out.getvalue()
