"""Partner logins: a Cognito user in the partner group with the partner's id (AWS), or an
invitation in the outbox (local mode)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from chalice.test import Client

from haven.adapters.logins import CognitoLogins
from haven.auth import Role
from haven.errors import Conflict
from local import tokens


def test_cognito_login_carries_the_role_and_partner_id(aws: None) -> None:
    cognito = boto3.client("cognito-idp")
    pool = cognito.create_user_pool(
        PoolName="haven-test",
        Schema=[{"Name": "partner_id", "AttributeDataType": "String", "Mutable": False}],
    )["UserPool"]["Id"]
    cognito.create_group(UserPoolId=pool, GroupName="partner")
    provisioner = CognitoLogins(pool)
    assert provisioner.invite(email="liaison@labour.gov.example", role=Role.PARTNER, partner_id="P1") == (
        "liaison@labour.gov.example"
    )
    user = cognito.admin_get_user(UserPoolId=pool, Username="liaison@labour.gov.example")
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["custom:partner_id"] == "P1"
    groups = cognito.admin_list_groups_for_user(UserPoolId=pool, Username="liaison@labour.gov.example")
    assert [g["GroupName"] for g in groups["Groups"]] == ["partner"]
    with pytest.raises(Conflict):
        provisioner.invite(email="liaison@labour.gov.example", role=Role.PARTNER, partner_id="P2")


def test_creating_a_partner_invites_its_contact(
    aws: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app as api

    from haven.adapters import notifier as notifier_module

    monkeypatch.setenv("HAVEN_OUTBOX_FILE", str(tmp_path / "outbox.jsonl"))
    notifier_module.notifier.cache_clear()
    admin = {"Authorization": f"Bearer {tokens.mint('admin')}", "Content-Type": "application/json"}
    body: dict[str, Any] = {
        "name": "Ministry of Labour",
        "jurisdictions": {"origin": ["NP"], "destination": ["QA"]},
        "categories": ["recruitment_fees"],
        "webhook_url": "http://127.0.0.1:9/hook",
        "contact": {"email": "liaison@labour.gov.example"},
    }
    with Client(api.app) as client:
        created = client.http.post("/v1/admin/partners", headers=admin, body=json.dumps(body))
    assert created.status_code == 201, created.body
    identity = created.json_body["identity"]
    assert identity["login"] == "liaison@labour.gov.example"
    [invitation] = notifier_module.read_outbox(tmp_path / "outbox.jsonl")
    assert invitation["to"] == "liaison@labour.gov.example"
    assert f"PARTNER_ID={identity['partner_id']}" in invitation["body"]
    notifier_module.notifier.cache_clear()
