"""Displacement counters in DynamoDB, moved by conditional transactions (see haven.evidence)."""

from __future__ import annotations

from dataclasses import asdict

from pynamodb.exceptions import TransactWriteError

from haven.adapters.dynamo.connection import transaction
from haven.adapters.dynamo.models.evidence import EvidenceRecord
from haven.errors import Conflict
from haven.evidence.displacement import Applied, Contribution

CONTRIBUTION = "contribution"


def _cell_key(c: Contribution) -> tuple[str, str]:
    return f"month#{c.month}", f"{c.hazard}#{c.country}"


def _deltas(previous: Applied | None, new: Applied) -> dict[tuple[str, str], list[int]]:
    deltas: dict[tuple[str, str], list[int]] = {}
    moves = [(new.contribution, 1)]
    if previous is not None:
        moves.append((previous.contribution, -1))
    for contribution, sign in moves:
        sums = deltas.setdefault(_cell_key(contribution), [0, 0, 0])
        for i, value in enumerate(contribution.counts):
            sums[i] += sign * value
    return {key: sums for key, sums in deltas.items() if any(sums)}


class DynamoEvidenceStore:
    def applied(self, incident_id: str) -> Applied | None:
        try:
            item = EvidenceRecord.get(f"incident#{incident_id}", CONTRIBUTION, consistent_read=True)
        except EvidenceRecord.DoesNotExist:
            return None
        return Applied(int(item.version or 0), Contribution(**item.contribution))

    def apply(self, incident_id: str, previous: Applied | None, new: Applied) -> None:
        record = EvidenceRecord(
            f"incident#{incident_id}",
            CONTRIBUTION,
            version=new.version,
            contribution=asdict(new.contribution),
        )
        condition = (
            EvidenceRecord.pk.does_not_exist()
            if previous is None
            else EvidenceRecord.version == previous.version
        )
        try:
            with transaction() as writes:
                writes.save(record, condition=condition)
                for (pk, sk), (incidents, reports, people) in sorted(_deltas(previous, new).items()):
                    writes.update(
                        EvidenceRecord(pk, sk),
                        actions=[
                            EvidenceRecord.incidents.add(incidents),
                            EvidenceRecord.reports.add(reports),
                            EvidenceRecord.people_displaced.add(people),
                        ],
                    )
        except TransactWriteError as error:
            raise Conflict(f"evidence for incident {incident_id} changed meanwhile: {error}") from None

    def cells(self, month: str) -> list[Contribution]:
        found = []
        for item in EvidenceRecord.query(f"month#{month}"):
            hazard, country = item.sk.split("#", 1)
            found.append(
                Contribution(
                    month,
                    hazard,
                    country,
                    int(item.incidents or 0),
                    int(item.reports or 0),
                    int(item.people_displaced or 0),
                )
            )
        return found
