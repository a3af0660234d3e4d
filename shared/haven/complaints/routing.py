"""Which partner authorities a complaint goes to: jurisdiction × category, then the auditor's say.

A partner is routed a complaint when it is active, handles at least one of the complaint's
categories, and its jurisdiction covers the complaint: the worker's country of origin (as an
origin authority), the destination country (as a destination authority), or the recruiter's
country (the authority licensing recruiters there, whether it acts as origin or destination).
The auditor may then add partners (active ones) and remove any.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from haven.errors import FieldError, ValidationFailed


@dataclass(frozen=True)
class Case:
    """What routing looks at in a complaint."""

    origin_country: str
    destination_country: str
    recruiter_country: str | None
    categories: frozenset[str]


@dataclass(frozen=True)
class Reach:
    """What routing looks at in a partner."""

    partner_id: str
    origin: frozenset[str]
    destination: frozenset[str]
    categories: frozenset[str]
    active: bool = True

    def covers(self, case: Case) -> bool:
        if not (self.active and self.categories & case.categories):
            return False
        return (
            case.origin_country in self.origin
            or case.destination_country in self.destination
            or (
                case.recruiter_country is not None
                and case.recruiter_country in self.origin | self.destination
            )
        )


def route(case: Case, partners: Iterable[Reach]) -> list[str]:
    """The partners the rules choose, in a stable order."""
    return sorted(p.partner_id for p in partners if p.covers(case))


def choose(
    case: Case,
    partners: Iterable[Reach],
    *,
    add: Collection[str] = (),
    remove: Collection[str] = (),
    already: Collection[str] = (),
) -> list[str]:
    """The rules' choice with the auditor's additions and removals, minus partners already referred."""
    known = {p.partner_id: p for p in partners}
    unknown = [pid for pid in add if pid not in known or not known[pid].active]
    if unknown:
        raise ValidationFailed([FieldError("add_partners", f"not an active partner: {', '.join(unknown)}")])
    chosen = (set(route(case, known.values())) | set(add)) - set(remove) - set(already)
    return sorted(chosen)
