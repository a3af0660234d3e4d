"""The public roster: name search without Scan, filters, verification in one AWS call."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from botocore.client import BaseClient

from tests.integration.test_accreditation import accredited, client, outbox  # noqa: F401 (fixtures)


@pytest.fixture
def roster(client: Any) -> Any:  # noqa: F811
    accredited(client, "org-sge")  # Société Générale d'Emploi S.A., PH→QA
    accredited(client, "org-kathmandu", legal_name="Himalayan Manpower Pvt. Ltd.", licence="DOFE-42")
    return client


@pytest.fixture
def aws_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    calls: list[str] = []
    original = BaseClient._make_api_call

    def counting(self: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        calls.append(operation)
        return original(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", counting)
    return calls


def _names(response: Any) -> list[str]:
    assert response.status_code == 200, response.body
    return [i["legal_name"] for i in response.json_body["items"]]


def test_search_by_name_country_and_corridor(roster: Any) -> None:
    # Case, accents and punctuation do not matter; trading names count; words are prefixes.
    for q in ("generale", "GÉNÉRALE", "societe generale", "d'emploi", "demploi", "S.A.", "gener empl", "Soc"):
        assert _names(roster.http.get(f"/v1/roster?q={quote(q)}")) == ["Société Générale d'Emploi S.A."], q
    assert sorted(_names(roster.http.get("/v1/roster?q=manpower"))) == [
        "Himalayan Manpower Pvt. Ltd.",
        "Société Générale d'Emploi S.A.",
    ]
    assert len(_names(roster.http.get("/v1/roster?country=qa"))) == 2
    assert _names(roster.http.get("/v1/roster?corridor=PH-QA&q=himalayan")) == [
        "Himalayan Manpower Pvt. Ltd."
    ]
    assert _names(roster.http.get("/v1/roster?q=nobody")) == []
    assert _names(roster.http.get("/v1/roster?status=suspended")) == []
    assert roster.http.get("/v1/roster?q=.").status_code == 422


def test_search_is_a_query_never_a_scan(roster: Any, aws_calls: list[str]) -> None:
    _names(roster.http.get("/v1/roster?q=generale&country=PH"))
    _names(roster.http.get("/v1/roster"))
    assert "Scan" not in aws_calls
    assert set(aws_calls) == {"Query"}


def test_verification_is_one_get_item_and_cacheable(roster: Any, aws_calls: list[str]) -> None:
    response = roster.http.get("/v1/roster/verify?country=ph&licence_number=dofe 42")
    assert aws_calls == ["GetItem"]
    assert response.headers["Cache-Control"].startswith("public")
    body = response.json_body
    assert (body["accredited"], body["recruiter_id"], body["legal_name"]) == (
        True,
        "org-kathmandu",
        "Himalayan Manpower Pvt. Ltd.",
    )
    assert body["valid_from"] < body["valid_until"]
    unknown = roster.http.get("/v1/roster/verify?country=NP&licence_number=nope").json_body
    assert (unknown["accredited"], unknown["status"]) == (False, "not_found")
    assert roster.http.get("/v1/roster/verify?country=Nepal&licence_number=x").status_code == 422
