"""Family tracing end to end over HTTP: register a person, find them, add a note, delete the
record with its token. The module's platform is then searched for the personal data given."""

from __future__ import annotations

import pytest
import requests

from tests.support import EMAIL, NAME, PASSPORT, PHONE

from .conftest import Platform

pytestmark = pytest.mark.e2e


def test_a_person_is_found_noted_and_deleted_by_whoever_holds_the_token(platform: Platform) -> None:
    author = {"name": "Amira Haddad", "email": EMAIL, "phone": PHONE}
    created = requests.post(
        platform.url + "/v1/safety/people",
        json={
            "full_name": NAME,
            "home_city": "Mosul",
            "author": author,
            "description": f"passport {PASSPORT}",
        },
        timeout=10,
    )
    assert created.status_code == 201, created.text
    person = created.json()

    found = requests.get(platform.url + "/v1/safety/people", params={"q": "haddad zainab"}, timeout=5).json()
    assert [p["person_id"] for p in found["items"]] == [person["person_id"]]
    assert set(found["items"][0]) == {"person_id", "full_name", "home_city", "latest_status"}

    note = requests.post(
        f"{platform.url}/v1/safety/people/{person['person_id']}/notes",
        json={
            "author": author,
            "text": f"Seen at the shelter, with passport {PASSPORT}",
            "status": "believed_alive",
        },
        timeout=5,
    )
    assert note.status_code == 201, note.text
    again = requests.get(platform.url + "/v1/safety/people", params={"q": NAME}, timeout=5).json()
    assert again["items"][0]["latest_status"] == "believed_alive"

    wrong = requests.delete(
        f"{platform.url}/v1/safety/people/{person['person_id']}", params={"token": "x" * 43}, timeout=5
    )
    assert wrong.status_code == 404
    deleted = requests.delete(
        f"{platform.url}/v1/safety/people/{person['person_id']}",
        params={"token": person["deletion_token"]},
        timeout=5,
    )
    assert deleted.status_code == 204
    gone = requests.get(platform.url + "/v1/safety/people", params={"q": NAME}, timeout=5).json()
    assert gone["items"] == []
