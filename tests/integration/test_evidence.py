"""Displacement evidence: incident events → aggregator worker → counters → open data."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from chalice.test import Client

from local.dispatcher import sqs_event
from local.lambda_context import LambdaContext
from tests.integration.test_triage_and_incidents import _auth, _run_triage, _submit
from tests.support import published_events

DISPLACED = "displaced_people_and_evacuations"
EVACUATED = "Flood: families evacuated from their homes, the river is rising"


@pytest.fixture
def client(aws: None) -> Any:
    import app as api

    with Client(api.app) as c:
        yield c


def _aggregate(events: list[dict[str, Any]]) -> dict[str, Any]:
    from functions.evidence_aggregator import handler as aggregator

    messages = [
        {"MessageId": str(n), "ReceiptHandle": str(n), "Body": json.dumps(e)} for n, e in enumerate(events)
    ]
    return aggregator.handler(sqs_event(messages, "arn:x"), LambdaContext("evidence-aggregator"))  # type: ignore[no-any-return]


def _incident_events() -> list[dict[str, Any]]:
    return [e for e in published_events() if str(e["detail-type"]).startswith("incident.")]


def _evidence(client: Any, query: str = "") -> Any:
    response = client.http.get(f"/v1/evidence/displacement?from=2024-01&to=2028-12{query}")
    assert response.status_code == 200, response.body
    return response


def test_counts_are_incremental_idempotent_and_small_cells_suppressed(client: Any) -> None:
    for n in range(6):  # one incident of six reports near Paris
        _submit(
            client, 48.85 + n * 0.001, 2.35, description=EVACUATED, category=DISPLACED, people_affected=10
        )
    for n in range(2):  # one incident of two reports near Nairobi
        _submit(
            client, -1.29 + n * 0.001, 36.82, description=EVACUATED, category=DISPLACED, people_affected=3
        )
    _submit(client, 35.0, 139.0, description="Fire! the warehouse is burning", category="caution_and_advice")
    _run_triage()
    events = _incident_events()
    assert _aggregate(events) == {"batchItemFailures": []}
    assert _aggregate(list(reversed(events))) == {"batchItemFailures": []}  # redelivered, out of order

    items = _evidence(client).json_body["items"]
    [paris] = [i for i in items if i["country"] == "FRA"]
    assert paris["hazard"] == "flood"
    assert (paris["incidents"], paris["reports"], paris["people_displaced"]) == (1, 6, 60)
    assert paris["suppressed"] is False
    [nairobi] = [i for i in items if i["country"] == "KEN"]
    assert nairobi == {
        **nairobi,
        "suppressed": True,
        "incidents": None,
        "reports": None,
        "people_displaced": None,
    }
    assert not [i for i in items if i["country"] == "JPN"]  # not a displacement incident

    by_hazard = _evidence(client, "&group_by=hazard").json_body["items"]
    assert by_hazard == [
        {"hazard": "flood", "incidents": 2, "reports": 8, "people_displaced": 66, "suppressed": False}
    ]


def test_a_dismissed_incident_leaves_the_evidence(client: Any) -> None:
    for n in range(5):
        _submit(client, 51.5 + n * 0.001, -0.12, description=EVACUATED, category=DISPLACED, people_affected=1)
    _run_triage()
    _aggregate(_incident_events())
    assert _evidence(client).json_body["items"][0]["reports"] == 5
    [incident] = client.http.get("/v1/ops/incidents", headers=_auth()).json_body["items"]
    client.http.patch(
        f"/v1/ops/incidents/{incident['incident_id']}",
        headers={**_auth(), "Content-Type": "application/json"},
        body=json.dumps({"expected_version": incident["version"], "status": "dismissed"}),
    )
    _aggregate(_incident_events())
    assert _evidence(client).json_body["items"] == []


def test_csv_has_hxl_hashtags_in_its_second_row(client: Any) -> None:
    for n in range(5):
        _submit(
            client, 40.42 + n * 0.001, -3.70, description=EVACUATED, category=DISPLACED, people_affected=2
        )
    _run_triage()
    _aggregate(_incident_events())
    response = _evidence(client, "&format=csv&group_by=country,month")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(
        csv.reader(io.StringIO(response.body.decode() if isinstance(response.body, bytes) else response.body))
    )
    assert rows[0] == ["country", "month", "incidents", "reports", "people_displaced", "suppressed"]
    assert rows[1] == [
        "#country+code+v_iso3",
        "#date+month",
        "#event+num",
        "#indicator+reports+num",
        "#affected+displaced+num",
        "#meta+suppressed",
    ]
    assert rows[2][0] == "ESP"
    assert rows[2][2:] == ["1", "5", "10", "false"]


def test_malformed_messages_fail_alone_and_bad_queries_name_the_field(client: Any) -> None:
    _submit(client, 10.0, 10.0, description=EVACUATED, category=DISPLACED)
    _run_triage()
    [valid] = _incident_events()
    result = _aggregate([{"detail-type": "report.received", "detail": {}}, valid])
    assert result == {"batchItemFailures": [{"itemIdentifier": "0"}]}
    assert (
        client.http.get("/v1/evidence/displacement?group_by=region").json_body["errors"][0]["field"]
        == "group_by"
    )
    assert client.http.get("/v1/evidence/displacement?from=2026-13").status_code == 422
    assert client.http.get("/v1/evidence/displacement?from=2026-05&to=2026-01").status_code == 422
    assert client.http.get("/v1/evidence/displacement?format=xml").status_code == 422


#: A HXL schema (https://hxlstandard.org/standard/1-1final/schemas/) of the CSV's columns.
HXL_SCHEMA = [
    ["#valid_tag", "#valid_required", "#valid_datatype", "#valid_value+regex", "#valid_value+list"],
    ["#event+type", "true", "", "", "flood|fire|earthquake|storm|landslide|conflict|other"],
    ["#country+code+v_iso3", "true", "", "^[A-Z]{3}$", ""],
    ["#date+month", "true", "date", "^[0-9]{4}-[0-9]{2}$", ""],
    ["#event+num", "", "number", "^[0-9]+$", ""],
    ["#indicator+reports+num", "", "number", "^[0-9]+$", ""],
    ["#affected+displaced+num", "", "number", "^[0-9]+$", ""],
    ["#meta+suppressed", "true", "", "", "true|false"],
]


def _hxl(text: str) -> Any:
    import hxl

    options = hxl.input.InputOptions(allow_local=True)
    return hxl.data(hxl.input.make_input(io.BytesIO(text.encode()), options))


def test_csv_is_hxl_that_libhxl_reads_and_a_schema_validates(client: Any) -> None:
    import hxl

    for n in range(5):
        _submit(
            client, 40.42 + n * 0.001, -3.70, description=EVACUATED, category=DISPLACED, people_affected=2
        )
    _submit(client, -1.29, 36.82, description=EVACUATED, category=DISPLACED, people_affected=3)
    _run_triage()
    _aggregate(_incident_events())
    groups = "&group_by=hazard,country,month"
    response = _evidence(client, f"&format=csv{groups}")
    text = response.body.decode() if isinstance(response.body, bytes) else response.body

    dataset = _hxl(text)
    assert [column.display_tag for column in dataset.columns] == [row[0] for row in HXL_SCHEMA[1:]]
    problems: list[str] = []
    valid = hxl.schema(HXL_SCHEMA, callback=lambda e: problems.append(f"{e.message}: {e.value}"))
    assert valid.validate(_hxl(text)), problems
    read = {
        row.get("#country+code"): (
            row.get("#event+num"),
            row.get("#affected+displaced+num"),
            row.get("#meta"),
        )
        for row in _hxl(text)
    }
    answered = {
        i["country"]: (i["incidents"], i["people_displaced"], i["suppressed"])
        for i in _evidence(client, groups).json_body["items"]
    }
    assert read == {
        country: (
            None if incidents is None else str(incidents),
            None if displaced is None else str(displaced),
            str(suppressed).lower(),
        )
        for country, (incidents, displaced, suppressed) in answered.items()
    }
    assert read["ESP"] == ("1", "10", "false")
    assert read["KEN"] == (None, None, "true")
