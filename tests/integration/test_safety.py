"""Person finder over the API on mocked AWS: records, notes, search, PFIF, deletion, expiry."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
import requests
from chalice.test import Client
from defusedxml import ElementTree as SafeET
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haven import clock
from haven.safety import pfif
from local import tokens
from tests.support import UPLOAD_SAMPLES, pfif_one_way_links

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def client(aws: None) -> Any:
    import app as api

    with Client(api.app) as c:
        yield c


def _auth(role: str = "responder") -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.mint(role, subject=f'{role}-1')}"}


def _person(client: Any, full_name: str, **extra: Any) -> dict[str, Any]:
    body = {"full_name": full_name, "author": {"name": "Ana", "email": "ana@example.org"}, **extra}
    response = client.http.post("/v1/safety/people", headers=JSON, body=json.dumps(body))
    assert response.status_code == 201, response.body
    return response.json_body  # type: ignore[no-any-return]


def _note(client: Any, person_id: str, headers: dict[str, str] | None = None, **body: Any) -> Any:
    note = {"author": {"name": "Ben"}, "text": "seen at the shelter", **body}
    return client.http.post(
        f"/v1/safety/people/{person_id}/notes", headers={**JSON, **(headers or {})}, body=json.dumps(note)
    )


def _search(client: Any, q: str) -> list[dict[str, Any]]:
    response = client.http.get(f"/v1/safety/people?q={requests.utils.quote(q)}")
    assert response.status_code == 200, response.body
    return response.json_body["items"]  # type: ignore[no-any-return]


def test_search_is_fuzzy_and_returns_minimal_fields(client: Any) -> None:
    maria = _person(
        client,
        "María José García",
        home_city="Valencia",
        description="red coat",
        author={"name": "Ana", "phone": "+34 600 000 000"},
    )
    _person(client, "Mohammed Al-Hassan", home_city="Aleppo")
    _person(client, "محمد علي", home_city="حلب")
    _person(client, "Наталья Иванова", home_city="Kyiv")
    for query in ("maria jose garcia", "Garcia Maria", "Garsia", "MARÍA  josé", "Gracia maria"):
        [hit] = _search(client, query)
        assert hit == {
            "person_id": maria["person_id"],
            "full_name": "María José García",
            "home_city": "Valencia",
            "latest_status": None,
        }, query
    assert [h["full_name"] for h in _search(client, "علي محمد")] == ["محمد علي"]
    assert [h["full_name"] for h in _search(client, "иванова наталя")] == ["Наталья Иванова"]
    assert _search(client, "Garcia Smith") == []
    text = json.dumps(_search(client, "garcia"))
    assert "ana@" not in text
    assert "+34" not in text
    assert "red coat" not in text


def test_notes_set_the_latest_status_and_believed_dead_needs_a_responder(client: Any) -> None:
    person = _person(client, "Jean Dupont")
    pid = person["person_id"]
    assert _note(client, pid, status="is_note_author", text="I am safe").status_code == 201
    assert _search(client, "dupont jean")[0]["latest_status"] == "is_note_author"
    forbidden = _note(client, pid, status="believed_dead")
    assert forbidden.status_code == 403
    assert _note(client, pid, headers=_auth(), status="believed_dead").status_code == 201
    assert _search(client, "dupont")[0]["latest_status"] == "believed_dead"
    other = _person(client, "J. Dupont")["person_id"]
    assert _note(client, pid, linked_person_id=other).status_code == 201
    assert _note(client, pid, linked_person_id=pid).status_code == 422
    assert _note(client, "01HZZZZZZZZZZZZZZZZZZZZZZZ").status_code == 404
    assert _note(client, pid, status="fine").status_code == 422


def test_pfif_export_is_structurally_valid_and_round_trips(client: Any) -> None:
    start = datetime.now(UTC) - timedelta(seconds=5)
    person = _person(client, "Kenji Tanaka", given_name="Kenji", family_name="Tanaka", age=40, sex="male")
    _note(client, person["person_id"], status="believed_alive", last_known_location="Sendai")
    assert client.http.get("/v1/ops/safety/pfif").status_code == 401
    assert client.http.get("/v1/ops/safety/pfif", headers=_auth("auditor")).status_code == 403
    response = client.http.get(f"/v1/ops/safety/pfif?since={clock.iso(start)}", headers=_auth())
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/xml")
    root = SafeET.fromstring(response.body)
    assert root.tag == f"{{{pfif.NAMESPACE}}}pfif"
    records = pfif.read(root)
    assert [r.kind for r in records] == ["person", "note"]
    person_record, note_record = records
    assert person_record.get("person_record_id") == f"haven.example.org/person.{person['person_id']}"
    assert person_record.get("full_name") == "Kenji Tanaka"
    assert note_record.get("person_record_id") == person_record.get("person_record_id")
    assert note_record.get("status") == "believed_alive"
    assert pfif.document(records) == response.body  # round trip: read, written again, identical
    later = client.http.get(
        f"/v1/ops/safety/pfif?since={clock.iso(datetime.now(UTC) + timedelta(seconds=1))}", headers=_auth()
    )
    assert pfif.read(SafeET.fromstring(later.body)) == []


def test_pfif_export_links_records_both_ways(client: Any) -> None:
    """A note linking two records ("possibly the same person"), as Person Finder's validator
    requires: each record of the link has a note linking to the other."""
    first = _person(client, "Amina Yusuf")["person_id"]
    second = _person(client, "Aminah Yousuf")["person_id"]
    assert _note(client, first, linked_person_id=second, status="believed_alive").status_code == 201
    response = client.http.get("/v1/ops/safety/pfif", headers=_auth())
    assert response.status_code == 200
    assert pfif_one_way_links(response.body) == []
    links = {
        (r.get("person_record_id"), r.get("linked_person_record_id"), r.get("status"))
        for r in pfif.read(SafeET.fromstring(response.body))
        if r.get("linked_person_record_id")
    }
    first_id, second_id = (f"haven.example.org/person.{pid}" for pid in (first, second))
    assert links == {(first_id, second_id, "believed_alive"), (second_id, first_id, None)}


def test_pfif_pages_with_a_cursor(client: Any) -> None:
    for n in range(5):
        _person(client, f"Person Number{n}")
    seen: list[str] = []
    url = "/v1/ops/safety/pfif?limit=2"
    while url:
        response = client.http.get(url, headers=_auth())
        seen.extend(r.get("full_name") or "" for r in pfif.read(SafeET.fromstring(response.body)))
        cursor = response.headers.get("Haven-Next-Cursor")
        url = f"/v1/ops/safety/pfif?limit=2&cursor={cursor}" if cursor else ""
    assert sorted(seen) == [f"Person Number{n}" for n in range(5)]


def test_delete_with_token_removes_record_notes_index_and_photo(client: Any) -> None:
    photo = UPLOAD_SAMPLES["image/jpeg"]
    created = _person(client, "Amina Diallo", photo={"content_type": "image/jpeg", "size_bytes": len(photo)})
    upload = created["photo_upload"]
    s3 = boto3.client("s3")
    bucket = os.environ["HAVEN_BUCKET_SAFETY_PHOTOS"]
    s3.put_object(Bucket=bucket, Key=upload["fields"]["key"], Body=photo, ContentType="image/jpeg")
    pid = created["person_id"]
    _note(client, pid)
    wrong = client.http.delete(f"/v1/safety/people/{pid}?token={'x' * 32}")
    assert wrong.status_code == 404
    ok = client.http.delete(f"/v1/safety/people/{pid}?token={created['deletion_token']}")
    assert ok.status_code == 204
    assert _search(client, "amina diallo") == []
    assert _note(client, pid).status_code == 404
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0


def test_expired_record_is_not_served_and_the_sweep_removes_its_photo(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    photo = UPLOAD_SAMPLES["image/png"]
    declared = {"content_type": "image/png", "size_bytes": len(photo)}
    created = _person(client, "Olga Petrova", photo=declared)
    keep = _person(client, "Olga Petrenko", photo=declared)
    s3 = boto3.client("s3")
    bucket = os.environ["HAVEN_BUCKET_SAFETY_PHOTOS"]
    for record in (created, keep):
        key = record["photo_upload"]["fields"]["key"]
        s3.put_object(Bucket=bucket, Key=key, Body=photo, ContentType="image/png")
    from functions.safety_sweep import handler as sweep
    from local.lambda_context import LambdaContext

    assert sweep.handler({}, LambdaContext("safety-sweep")) == {"photos_deleted": 0}
    expiry = datetime.fromisoformat(created["expires_at"].replace("Z", "+00:00"))
    later = expiry + timedelta(seconds=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    # Both records expire at the same second here; the second was created a moment later.
    assert _search(client, "olga petrova") == []
    assert _note(client, created["person_id"]).status_code == 404
    assert sweep.handler({}, LambdaContext("safety-sweep"))["photos_deleted"] >= 1
    remaining = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}
    assert created["photo_upload"]["fields"]["key"] not in remaining


def test_search_is_rate_limited(
    client: Any, start_of_a_minute: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from haven.config import get_settings

    monkeypatch.setenv("HAVEN_SAFETY_SEARCH_PER_MINUTE", "3")
    get_settings.cache_clear()
    try:
        statuses = [client.http.get("/v1/safety/people?q=anyone").status_code for _ in range(5)]
    finally:
        monkeypatch.delenv("HAVEN_SAFETY_SEARCH_PER_MINUTE")
        get_settings.cache_clear()
    assert statuses[:3] == [200, 200, 200]
    assert statuses[-1] == 429


def test_bad_input_names_the_field(client: Any) -> None:
    response = client.http.post(
        "/v1/safety/people",
        headers=JSON,
        body=json.dumps({"full_name": "X", "author": {"name": "A"}, "ssn": 1}),
    )
    assert response.status_code == 422
    assert client.http.get("/v1/safety/people?q=").status_code == 422
    assert client.http.get("/v1/safety/people?q=%21%21").status_code == 422


def test_variants_across_scripts_and_spellings_find_the_person_first(client: Any) -> None:
    """Registered in one script or spelling, sought in another, among namesakes: best first."""
    registered = {
        name: _person(client, name)["person_id"]
        for name in (
            "مصطفى حسن",
            "Олександр Коваленко",
            "राहुल शर्मा",
            "Γιώργος Παπαδόπουλος",
            "王小明",
            "Maria D'Souza",
            "Ahmed El-Amin",
            "Marie-Claire Dubois",
            "Aisha Bello",
            "José Fernández",
        )
    }
    for namesake in (
        "Ahmed Hassan",
        "Mohamed Amin",
        "Maria Souza",
        "Claire Dubois",
        "Wang Ming",
        "Aisha Bakr",
    ):
        _person(client, namesake)  # each shares a word with someone sought
    for query, name in (
        ("Moustafa Hasan", "مصطفى حسن"),
        ("Mustapha Hassan", "مصطفى حسن"),
        ("Alexandr Kovalenko", "Олександр Коваленко"),
        ("Rahul Sharma", "राहुल शर्मा"),
        ("Giorgos Papadopoulos", "Γιώργος Παπαδόπουλος"),
        ("Xiaoming Wang", "王小明"),
        ("Maria DSuoza", "Maria D'Souza"),  # the apostrophe dropped, and a typo
        ("Elamin Ahmed", "Ahmed El-Amin"),
        ("Ahmed El Amin", "Ahmed El-Amin"),
        ("Marieclaire Dubois", "Marie-Claire Dubois"),
        ("Ayesha Bello", "Aisha Bello"),
        ("Fernandes Jose", "José Fernández"),
    ):
        hits = _search(client, query)
        assert hits, query
        assert hits[0]["person_id"] == registered[name], (query, hits)
    # The exact spelling of a name ranks above its sound-alikes, which are still found.
    _person(client, "Mustafa Hassan")
    exact, *alike = _search(client, "Mustafa Hassan")
    assert exact["full_name"] == "Mustafa Hassan"
    assert "مصطفى حسن" in [h["full_name"] for h in alike]
    assert "Ahmed Hassan" not in [h["full_name"] for h in _search(client, "Mustafa Hassan")]


@pytest.mark.parametrize("field", ["full_name", "given_name", "family_name", "alternate_names"])
@pytest.mark.parametrize("value", ["   ", "!!!", "😀🙏", "— ★ —"])
def test_a_name_without_a_letter_is_refused_naming_the_field(client: Any, field: str, value: str) -> None:
    body = {"full_name": "Amina Diallo", field: value, "author": {"name": "Ana"}}
    response = client.http.post("/v1/safety/people", headers=JSON, body=json.dumps(body))
    assert response.status_code == 422, response.body
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json_body["errors"]] == [field]


@pytest.mark.parametrize("value", ["   ", "!!", "😀", "— ★ —"])
def test_a_search_without_a_letter_is_refused_naming_q(client: Any, value: str) -> None:
    response = client.http.get(f"/v1/safety/people?q={requests.utils.quote(value)}")
    assert response.status_code == 422, response.body
    assert [e["field"] for e in response.json_body["errors"]] == ["q"]


def test_records_of_the_first_index_are_found_after_reindexing(client: Any) -> None:
    """A record stored before the sound keys (its entries under the first index's keys) is
    found once ``make reindex-names`` ran, and its first-index entries are gone."""
    from haven.adapters.dynamo.models.safety import SafetyRecord
    from haven.adapters.dynamo.safety import DynamoSafetyStore, person_items
    from haven.safety import names, people

    created = _person(client, "Nataliya Ivanova")
    store = DynamoSafetyStore()
    person = store.get_person(created["person_id"])
    assert person is not None
    # As the first index left it: its entries under the legacy keys only.
    with SafetyRecord.batch_write() as batch:
        for key in people.index_keys(person):
            batch.delete(SafetyRecord(f"name#{key}", person.person_id))
        for entry in person_items(person, people.legacy_keys(person))[1]:
            entry.tokens = names.legacy_tokens(person.full_name)
            batch.save(entry)
    assert _search(client, "Natalia Ivanova") == []
    assert people.reindex(store=store, retention=timedelta(days=40)) == 1
    assert people.reindex(store=store, retention=timedelta(days=40)) == 1  # idempotent
    [hit] = _search(client, "Наталья Иванова")
    assert hit["person_id"] == person.person_id
    stale = [SafetyRecord.count(f"name#{key}") for key in people.legacy_keys(person)]
    assert sum(stale) == 0
    # Deleting a record removes both kinds of entries.
    assert (
        client.http.delete(
            f"/v1/safety/people/{person.person_id}?token={created['deletion_token']}"
        ).status_code
        == 204
    )
    assert sum(SafetyRecord.count(f"name#{key}") for key in people.index_keys(person)) == 0


@pytest.fixture
def unlimited_searches(monkeypatch: pytest.MonkeyPatch) -> Any:
    from haven.config import get_settings

    monkeypatch.setenv("HAVEN_SAFETY_SEARCH_PER_MINUTE", "10000")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("HAVEN_SAFETY_SEARCH_PER_MINUTE")
    get_settings.cache_clear()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=200))
def test_any_text_registers_or_is_refused_and_a_registered_name_finds_itself(
    client: Any, unlimited_searches: None, name: str
) -> None:
    body = {"full_name": name, "author": {"name": "Ana"}}
    response = client.http.post("/v1/safety/people", headers=JSON, body=json.dumps(body))
    assert response.status_code in (201, 422), response.body
    if response.status_code == 201:
        # Found as it was stored: a body's strings lose their surrounding white space (a form
        # feed among it), while a query keeps what it is sent and refuses a control character.
        found = client.http.get(f"/v1/safety/people?q={requests.utils.quote(name.strip())}&limit=50")
        assert found.status_code == 200, found.body
        assert response.json_body["person_id"] in {h["person_id"] for h in found.json_body["items"]}
    else:
        assert [e["field"] for e in response.json_body["errors"]] == ["full_name"]
