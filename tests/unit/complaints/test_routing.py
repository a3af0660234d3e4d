"""Routing rules, table-tested: jurisdiction (origin, destination, recruiter country) × category."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from haven.complaints.entities import Category, Complaint, Jurisdictions, Partner, Recruiter, ReferralRef
from haven.complaints.routing import Case, Reach, choose, route
from haven.errors import ValidationFailed
from tests.fakes import FakePartners

NEPAL_LABOUR = Reach(
    "np-labour",
    origin=frozenset({"NP"}),
    destination=frozenset(),
    categories=frozenset({"recruitment_fees", "deception"}),
)
QATAR_LABOUR = Reach(
    "qa-labour",
    origin=frozenset(),
    destination=frozenset({"QA"}),
    categories=frozenset({"wage_theft", "passport_retention", "recruitment_fees"}),
)
INDIA_EMIGRATE = Reach(
    "in-emigrate",
    origin=frozenset({"IN"}),
    destination=frozenset(),
    categories=frozenset({"recruitment_fees", "deception", "contract_substitution"}),
)
UAE_POLICE = Reach(
    "ae-police",
    origin=frozenset(),
    destination=frozenset({"AE"}),
    categories=frozenset({"abuse", "passport_retention"}),
)
DORMANT = Reach(
    "np-dormant",
    origin=frozenset({"NP"}),
    destination=frozenset(),
    categories=frozenset({"recruitment_fees"}),
    active=False,
)
PARTNERS = [NEPAL_LABOUR, QATAR_LABOUR, INDIA_EMIGRATE, UAE_POLICE, DORMANT]


def case(origin: str, destination: str, recruiter: str | None, *categories: str) -> Case:
    return Case(origin, destination, recruiter, frozenset(categories))


@pytest.mark.parametrize(
    ("complaint", "expected"),
    [
        # origin jurisdiction and category
        (case("NP", "SA", None, "recruitment_fees"), ["np-labour"]),
        # origin and destination both cover it
        (case("NP", "QA", None, "recruitment_fees"), ["np-labour", "qa-labour"]),
        # destination covers it, origin authority does not handle the category
        (case("NP", "QA", None, "wage_theft"), ["qa-labour"]),
        # recruiter's country (India) brings in the Indian authority though the worker is Nepali
        (case("NP", "SA", "IN", "deception"), ["in-emigrate", "np-labour"]),
        # recruiter country matches but the category does not
        (case("BD", "SA", "IN", "abuse"), []),
        # no jurisdiction at all
        (case("BD", "SA", None, "recruitment_fees"), []),
        # several categories: any one handled is enough
        (case("PH", "AE", None, "wage_theft", "passport_retention"), ["ae-police"]),
        # an origin-only authority is not chosen for its country as a destination
        (case("BD", "NP", None, "recruitment_fees"), []),
        # inactive partners are never routed
        (case("NP", "OM", None, "recruitment_fees"), ["np-labour"]),
        # "other" is handled by nobody here
        (case("NP", "QA", "NP", "other"), []),
    ],
)
def test_routing_table(complaint: Case, expected: list[str]) -> None:
    assert route(complaint, PARTNERS) == expected


def test_auditor_adds_and_removes() -> None:
    complaint = case("NP", "QA", None, "recruitment_fees")
    assert choose(complaint, PARTNERS, add=["ae-police"], remove=["np-labour"]) == ["ae-police", "qa-labour"]


def test_already_referred_partners_are_not_chosen_again() -> None:
    complaint = case("NP", "QA", None, "recruitment_fees")
    assert choose(complaint, PARTNERS, already=["np-labour"]) == ["qa-labour"]


@pytest.mark.parametrize("partner_id", ["np-dormant", "nobody"])
def test_only_active_partners_may_be_added(partner_id: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        choose(case("NP", "QA", None, "other"), PARTNERS, add=[partner_id])
    assert caught.value.errors[0].field == "add_partners"


def test_the_suggestion_is_what_a_plain_refer_chooses_less_the_partners_already_referred(
    make_complaint: Callable[..., Complaint], make_partner: Callable[..., Partner]
) -> None:
    from haven.complaints.complaints import suggested_partners

    def partner(pid: str, name: str, origin: str, category: Category) -> Partner:
        return make_partner(
            partner_id=pid, name=name, jurisdictions=Jurisdictions(origin=(origin,)), categories=(category,)
        )

    directory = FakePartners(
        partner("np-2", "Nepal Police", "NP", Category.PASSPORT_RETENTION),
        partner("np-1", "DoFE", "NP", Category.RECRUITMENT_FEES),
        partner("ke-1", "NEA", "KE", Category.RECRUITMENT_FEES),
    )
    complaint = make_complaint(
        recruiter=Recruiter(name="Fast Jobs Ltd"),
        categories=(Category.RECRUITMENT_FEES, Category.PASSPORT_RETENTION),
    )
    assert suggested_partners(complaint, directory) == [
        {"partner_id": "np-1", "name": "DoFE"},
        {"partner_id": "np-2", "name": "Nepal Police"},
    ]
    complaint = replace(complaint, referrals=(ReferralRef("r-1", "np-1"),))
    assert suggested_partners(complaint, directory) == [{"partner_id": "np-2", "name": "Nepal Police"}]
