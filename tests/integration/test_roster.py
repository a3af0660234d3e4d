"""The public roster: name search without Scan, filters, verification in one AWS call."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from botocore.client import BaseClient

from haven import clock
from tests.integration.test_accreditation import accredited, act, client, outbox  # noqa: F401 (fixtures)


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


@pytest.fixture
def one_suspended(client: Any) -> Any:  # noqa: F811
    accredited(client, "org-sge")
    himalayan = accredited(
        client, "org-kathmandu", legal_name="Himalayan Manpower Pvt. Ltd.", licence="DOFE-42"
    )
    until = clock.iso(clock.now() + timedelta(days=30))
    assert act(client, himalayan, "suspend", suspended_until=until).status_code == 200
    return client


def test_export_as_json_lists_the_public_roster_with_suspensions_flagged(
    one_suspended: Any, aws_calls: list[str]
) -> None:
    response = one_suspended.http.get("/v1/roster/export?format=json")
    assert response.status_code == 200, response.body
    assert set(aws_calls) == {"Query"}
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers["Roster-Truncated"] == "false"
    body = response.json_body
    assert (body["truncated"], body["generated_at"][:2]) == (False, "20")
    listed = {i["recruiter_id"]: (i["legal_name"], i["status"], i["suspended"]) for i in body["items"]}
    assert listed == {
        "org-kathmandu": ("Himalayan Manpower Pvt. Ltd.", "suspended", True),
        "org-sge": ("Société Générale d'Emploi S.A.", "accredited", False),
    }
    assert body["items"] == [one_suspended.http.get(f"/v1/roster/{i}").json_body for i in listed]
    for private in ("Maria Santos", "compliance@", "SEC-998877", "application_id"):
        assert private not in response.body.decode()
    assert one_suspended.http.get("/v1/roster/export").json_body["items"] == body["items"]


def test_export_as_csv_has_a_header_row_and_one_row_per_recruiter(one_suspended: Any) -> None:
    response = one_suspended.http.get("/v1/roster/export?format=csv")
    assert response.status_code == 200, response.body
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="roster.csv"'
    rows = list(csv.DictReader(io.StringIO(response.body.decode())))
    assert [(r["recruiter_id"], r["status"], r["suspended"]) for r in rows] == [
        ("org-kathmandu", "suspended", "true"),
        ("org-sge", "accredited", "false"),
    ]
    sge = rows[1]
    assert (sge["trading_names"], sge["countries"], sge["corridors"], sge["licences"]) == (
        "SGE Manpower",
        "PH; QA",
        "PH-QA",
        "PH POEA-123/2020",
    )
    assert sge["valid_from"] < sge["valid_until"]
    assert one_suspended.http.get("/v1/roster/export?format=xml").status_code == 422


def test_export_revalidates_with_its_etag_until_the_roster_changes(client: Any) -> None:  # noqa: F811
    sge = accredited(client, "org-sge")
    first = client.http.get("/v1/roster/export?format=csv")
    tag = first.headers["ETag"]
    assert tag.startswith('W/"')
    assert client.http.get("/v1/roster/export?format=json").headers["ETag"] != tag
    unchanged = client.http.get("/v1/roster/export?format=csv", headers={"If-None-Match": tag})
    assert (unchanged.status_code, unchanged.body) == (304, b"")
    assert unchanged.headers["ETag"] == tag
    until = clock.iso(clock.now() + timedelta(days=30))
    assert act(client, sge, "suspend", suspended_until=until).status_code == 200
    changed = client.http.get("/v1/roster/export?format=csv", headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != tag
