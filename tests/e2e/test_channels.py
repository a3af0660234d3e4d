"""Text channels end to end on the local platform: messages published to the inbound topics as
AWS End User Messaging SMS and Social publish them (``make sms`` / ``make whatsapp``), replies
read from the outbox, and each command's effect seen through the API. The module's platform is
then searched for the sender's number and name: neither may reach a log line or an event."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from urllib.parse import urlencode

import boto3
import pytest
import requests
from twilio.request_validator import RequestValidator

from haven.adapters.notifier import read_outbox
from local.messages import publish, sms_document, whatsapp_document
from tests.support import NAME, PHONE_E164

from .conftest import REPO, Platform, _env

pytestmark = pytest.mark.e2e

OTHER = "+447700900777"


def _aws(platform: Platform) -> str:
    return f"http://127.0.0.1:{platform.aws_port}"


def _replies(platform: Platform, to: str) -> list[str]:
    return [m["body"] for m in read_outbox(platform.state_dir / "outbox.jsonl") if m["to"] == to]


def _wait_reply(platform: Platform, to: str, seen: int, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = _replies(platform, to)
        if len(got) > seen:
            return got[seen]
        time.sleep(0.2)
    raise AssertionError(f"no reply to message {seen + 1}; outbox: {_replies(platform, to)}")


def _converse(platform: Platform, sender: str, *texts: str, channel: str = "sms") -> list[str]:
    answers = []
    for text in texts:
        seen = len(_replies(platform, sender))
        document = sms_document(sender, text) if channel == "sms" else whatsapp_document(sender, text)
        publish(_aws(platform), channel, document)
        answers.append(_wait_reply(platform, sender, seen))
    return answers


def test_make_sms_injects_a_message_and_the_reply_lands_in_the_outbox(platform: Platform) -> None:
    sender = "+447700900123"
    sent = subprocess.run(
        [sys.executable, "-m", "local.messages", "sms", "--from", sender, "--text", "HELP"],
        env=_env(platform.state_dir),
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "make outbox" in sent.stdout
    assert _wait_reply(platform, sender, 0).startswith("Haven: send REPORT, SAFE, FIND")
    listed = subprocess.run(
        [sys.executable, "-m", "local.outbox"],
        env=_env(platform.state_dir),
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert "sms   to +447700900123" in listed.stdout


def test_a_report_by_sms_reaches_triage(platform: Platform) -> None:
    *_, done = _converse(
        platform, PHONE_E164, "REPORT", "The bridge collapsed onto the road", "London", "7", "NO"
    )
    code = done.split("on the web: ")[1].split()[0]
    report_id, token = code.split(".")
    deadline = time.monotonic() + 30
    status = ""
    while time.monotonic() < deadline:
        view = requests.get(f"{platform.url}/v1/reports/{report_id}", params={"token": token}, timeout=5)
        assert view.status_code == 200, view.text
        status = view.json()["status"]
        if status != "received":
            break
        time.sleep(0.5)
    assert status in ("triaged", "linked_to_incident", "verified")
    [answer] = _converse(platform, PHONE_E164, f"STATUS {code}")
    assert answer.startswith("Your report: ")


def test_a_check_in_by_whatsapp_is_searchable(platform: Platform) -> None:
    [done] = _converse(platform, PHONE_E164, f"SAFE {NAME}", channel="whatsapp")
    assert done.endswith("is marked safe. Relatives can find you by name for 40 days.")
    found = requests.get(f"{platform.url}/v1/safety/people", params={"q": NAME}, timeout=5).json()["items"]
    assert [(p["full_name"], p["latest_status"]) for p in found] == [(NAME, "is_note_author")]
    [answer] = _converse(platform, OTHER, "BUSCAR Zainab Okonkwo")
    assert answer.startswith("Encontrado: ")
    assert "a salvo" in answer


def test_a_complaint_by_sms_is_tracked_by_its_code(platform: Platform) -> None:
    replies = _converse(
        platform,
        OTHER,
        "PLAINTE",
        "Golden Gate Recruiters",
        "PASSER",
        "1 5",
        "On m'a fait payer 2000 dollars et pas de salaire",
        "12/03/2099",  # in the future: asked again
        "12/03/2026",
        "NP",
        "QA",
        "2000 USD",
        "OUI",
        "NON",
    )
    assert replies[5].startswith("Cette date est dans le futur.")
    assert "en NPR" in replies[8]  # a bare number would be in the home country's currency
    code = replies[-1].split("suivi : ")[1].split()[0]
    tracked = requests.get(f"{platform.url}/v1/complaints/track/{code}", timeout=5)
    assert tracked.status_code == 200, tracked.text
    assert tracked.json()["status"] == "received"
    # The date and the fees reach the complaint as an auditor reads it.
    auditor = {"Authorization": "Bearer " + platform.token("auditor")}
    listed = requests.get(
        f"{platform.url}/v1/admin/complaints", params={"status": "filed"}, headers=auditor, timeout=5
    )
    assert listed.status_code == 200, listed.text
    [filed] = [c for c in listed.json()["items"] if c["description"].startswith("On m'a fait payer 2000")]
    seen = requests.get(
        f"{platform.url}/v1/admin/complaints/{filed['complaint_id']}", headers=auditor, timeout=5
    )
    assert seen.status_code == 200, seen.text
    assert seen.json()["occurred_on"] == "2026-03-12"
    assert seen.json()["fees"] == {"amount": 2000, "currency": "USD"}
    assert seen.json()["origin_country"] == "NP"
    [answer] = _converse(platform, OTHER, f"STATUT {code}")
    assert answer.startswith("Votre plainte : recu.")


def test_alerts_are_confirmed_by_the_texted_code_and_stopped_at_once(platform: Platform) -> None:
    sender = "+447700900888"
    publish(_aws(platform), "sms", sms_document(sender, "ALERTS Manchester"))
    # The reply and the code are two texts from two workers (the code from the
    # subscription-confirmation worker, as for the API's subscriptions): either may land first.
    _wait_reply(platform, sender, 1)
    asked, texted = sorted(_replies(platform, sender), key=lambda text: bool(re.search(r"\b\d{6}\b", text)))
    assert asked == "Alerts for Manchester: send the 6-digit code we text you to confirm."
    found = re.search(r"\b(\d{6})\b", texted)
    assert found is not None, _replies(platform, sender)
    code = found.group(1)
    [on] = _converse(platform, sender, code)
    assert on == "Alerts are on for Manchester. Send STOP to end them."
    [off] = _converse(platform, sender, "STOP")
    assert off == "You will get no more alerts from Haven. Send ALERTS to start again."


def test_a_message_delivered_twice_is_answered_once(platform: Platform) -> None:
    sender = "+447700900999"
    document = sms_document(sender, "HELP", "same-id")
    publish(_aws(platform), "sms", document)
    publish(_aws(platform), "sms", document)
    _wait_reply(platform, sender, 0)
    time.sleep(3)
    assert len(_replies(platform, sender)) == 1


def test_twilio_webhook_is_signed_and_answered_in_twiml(platform: Platform) -> None:
    token = "e2e-twilio-auth-token-0123456789"
    secrets = boto3.client(
        "secretsmanager",
        endpoint_url=_aws(platform),
        region_name="eu-west-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    secrets.create_secret(Name="haven-local/channels/twilio-auth-token", SecretString=token)
    url = platform.url + "/v1/channels/twilio/sms"
    params = {
        "MessageSid": "SM" + "9" * 32,
        "AccountSid": "AC" + "9" * 32,
        "From": "+447700900444",
        "To": "+447700900000",
        "Body": "AIDE",
    }
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    refused = requests.post(
        url, data=urlencode(params), headers={**form, "X-Twilio-Signature": "x"}, timeout=5
    )
    assert refused.status_code == 403
    signature = RequestValidator(token).compute_signature(url, params)
    answered = requests.post(
        url, data=urlencode(params), headers={**form, "X-Twilio-Signature": signature}, timeout=10
    )
    assert answered.status_code == 200, answered.text
    assert answered.headers["Content-Type"] == "application/xml"
    assert "<Message>Haven : envoyez SIGNALER" in answered.text
