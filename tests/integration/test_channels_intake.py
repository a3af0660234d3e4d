"""The message-intake worker on mocked AWS, fed SNS-shaped events of both AWS services (from
their documented formats): dialogues reach the same use cases as the API, once per message."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from local.messages import sms_document, whatsapp_document
from tests.channels_support import replies, sns_record

ANA = "+447700900123"


class Context:
    function_name = "message-intake"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:message-intake"
    aws_request_id = "test"


@pytest.fixture
def outbox(aws: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    from haven.adapters import channels

    path = tmp_path / "outbox.jsonl"
    monkeypatch.setenv("HAVEN_OUTBOX_FILE", str(path))
    channels.replier.cache_clear()
    channels.intake.cache_clear()
    yield path
    channels.replier.cache_clear()
    channels.intake.cache_clear()


def invoke(*records: dict[str, Any]) -> dict[str, Any]:
    from message_intake_handler import handler

    return handler({"Records": list(records)}, Context())  # type: ignore[no-any-return]


@pytest.fixture(autouse=True)
def _handler_module(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib
    import sys

    sys.modules["message_intake_handler"] = importlib.import_module("functions.message_intake.handler")


def sms(text: str, sender: str = ANA, message_id: str | None = None) -> dict[str, Any]:
    return sns_record(sms_document(sender, text, message_id))


def whatsapp(text: str | None = None, sender: str = ANA, **kwargs: Any) -> dict[str, Any]:
    return sns_record(whatsapp_document(sender, text, **kwargs), topic="inbound-whatsapp")


def test_a_first_message_that_is_no_command_gets_the_menu(outbox: Path) -> None:
    assert invoke(sms("hello?")) == {"batchItemFailures": []}
    assert replies(outbox) == [
        "Haven. Reply 1 report, 2 I am safe, 3 find someone, 4 code status, "
        "5 complain about a recruiter, 6 alerts, HELP. Francais AIDE, Espanol AYUDA, Tagalog TULONG"
    ]


def test_report_by_sms_reaches_triage_anonymously(outbox: Path) -> None:
    import boto3

    from haven.adapters.dynamo.reports import DynamoReports

    for text in ("REPORT", "Bridge collapsed, cars in the river", "Manchester", "12", "NO"):
        assert invoke(sms(text)) == {"batchItemFailures": []}
    done = replies(outbox)[-1]
    assert done.startswith("Report received, thank you. Send STATUS to follow it.")
    code = done.split("on the web: ")[1].split()[0]
    report_id = code.split(".")[0]
    report = DynamoReports().get(report_id)
    assert report is not None
    assert report.description == "Bridge collapsed, cars in the river"
    assert report.people_affected == 12
    assert report.anonymous
    assert report.contact is None
    assert round(report.location.lat) == 53
    queued = boto3.client("sqs").receive_message(
        QueueUrl=__import__("os").environ["HAVEN_QUEUE_REPORT_INTAKE"], MaxNumberOfMessages=10
    )["Messages"]
    assert [json.loads(m["Body"])["report_id"] for m in queued] == [report_id]
    # STATUS with the code answers from the reporter's view; STATUS alone, for this number's.
    invoke(sms(f"STATUS {code}"))
    assert replies(outbox)[-1] == "Your report: received."
    invoke(sms("STATUS"))
    assert replies(outbox)[-1] == (
        "Reports from this number, newest first: received. For another, send STATUS and its code."
    )
    # The codes are kept sealed, under the sender's keyed hash: neither is readable in the table.
    dumped = json.dumps(boto3.client("dynamodb").scan(TableName="haven-test-conversations")["Items"])
    assert report_id not in dumped
    assert ANA not in dumped


def test_a_whatsapp_location_answers_where(outbox: Path) -> None:
    from haven.adapters.dynamo.reports import DynamoReports

    invoke(whatsapp("SIGNALER Inondation dans la rue"))
    assert replies(outbox)[-1].startswith("Ou ? Envoyez la ville")
    invoke(whatsapp(location=(48.85, 2.35)))
    assert replies(outbox)[-1].startswith("Combien de personnes")
    invoke(whatsapp("PASSER"))
    invoke(whatsapp("OUI"))
    done = replies(outbox)[-1]
    assert done.startswith("Signalement recu, merci.")
    report = DynamoReports().get(done.split("web : ")[1].split(".")[0])
    assert report is not None
    assert report.contact == ANA
    assert report.language == "fr"
    assert (report.location.lat, report.location.lon) == (48.85, 2.35)


def test_the_same_message_delivered_twice_is_processed_once(outbox: Path) -> None:
    invoke(sms("SAFE", message_id="dup-1"))
    first = sms("Maria Lopez", message_id="dup-2")
    invoke(first)
    invoke(first)
    invoke(sms("Maria Lopez", message_id="dup-2"))
    assert replies(outbox) == [
        "Your full name, so that relatives can find you?",
        "Maria Lopez is marked safe. Relatives can find you by name for 40 days.",
    ]


def test_a_failed_reply_is_retried_with_the_same_reply_and_no_second_effect(
    outbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from haven.adapters import channels

    invoke(sms("SAFE"))
    calls: list[str] = []
    real = channels.replier()

    class Flaky:
        def send(self, channel: str, to: str, text: str, ref: str) -> str:
            calls.append(text)
            if len(calls) == 1:
                raise RuntimeError("throttled")
            return real.send(channel, to, text, ref)  # type: ignore[arg-type]

    monkeypatch.setattr("functions.message_intake.handler.replier", lambda: Flaky())
    record = sms("Jo Bloggs", message_id="flaky")
    other = sms("HELP", sender="+447700900999")
    failed = invoke(record, other)
    assert failed == {"batchItemFailures": [{"itemIdentifier": record["messageId"]}]}
    assert invoke(record) == {"batchItemFailures": []}
    assert calls[0] == calls[-1] == "Jo Bloggs is marked safe. Relatives can find you by name for 40 days."
    with Client(__import__("app").app) as client:
        found = client.http.get("/v1/safety/people?q=Jo%20Bloggs").json_body["items"]
    assert len(found) == 1  # one check-in, not two


def test_parts_of_one_long_message_are_joined(outbox: Path) -> None:
    from datetime import UTC, datetime, timedelta

    invoke(sms("COMPLAIN"))
    invoke(sms("Gulf Manpower Ltd"))
    invoke(sms("NP"))
    invoke(sms("1 2"))
    start = datetime.now(UTC)
    first = ("They took my passport at the airport when we landed and the agent said I owe him " * 2)[:153]
    part1 = sns_record(sms_document(ANA, first, "p1"), at=start)
    part2 = sns_record(sms_document(ANA, "3000 dollars more.", "p2"), at=start + timedelta(seconds=1))
    assert invoke(part2, part1) == {"batchItemFailures": []}
    assert replies(outbox)[-1] == "When did it happen? Send the date as DD/MM/YYYY, e.g. 12/03/2026, or SKIP."
    for text in ("SKIP", "NP", "QA", "0", "YES", "NO"):
        invoke(sms(text))
    done = replies(outbox)[-1]
    assert done.startswith("Complaint filed. Your tracking code: ")
    code = done.split("code: ")[1].split()[0]
    with Client(__import__("app").app) as client:
        tracked = client.http.get(f"/v1/complaints/track/{code}")
    assert tracked.status_code == 200
    assert tracked.json_body["status"] == "received"
    from haven.adapters.dynamo.complaints import DynamoComplaints

    stored = DynamoComplaints().by_tracking_hash(
        __import__("haven.complaints.complaints", fromlist=["x"]).tracking_hash(code)
    )
    assert stored is not None
    assert stored.description == first + "3000 dollars more."
    assert stored.categories == ("recruitment_fees", "passport_retention")
    assert stored.anonymous is True
    assert stored.contact is None
    assert stored.consent_share_identity is True
    assert stored.occurred_on is None
    assert stored.fees is None


def test_separate_messages_in_one_batch_are_answered_in_the_order_sent(outbox: Path) -> None:
    from datetime import UTC, datetime, timedelta

    start = datetime.now(UTC)
    safe = sns_record(sms_document(ANA, "SAFE", "s1"), at=start)
    name = sns_record(sms_document(ANA, "Ana Lopez", "s2"), at=start + timedelta(seconds=1))
    other = sms("HELP", sender="+447700900999")
    assert invoke(name, other, safe) == {"batchItemFailures": []}
    assert replies(outbox, to=ANA) == [
        "Your full name, so that relatives can find you?",
        "Ana Lopez is marked safe. Relatives can find you by name for 40 days.",
    ]
    assert len(replies(outbox, to="+447700900999")) == 1


def test_alerts_subscribe_confirm_and_stop_at_once(outbox: Path) -> None:
    import os

    import boto3

    from haven.adapters.crypto import AesGcmSealer
    from haven.adapters.dynamo.alerts import DynamoSubscriptions
    from haven.alerts.subscriptions import code_context

    invoke(sms("ALERTS London"))
    assert replies(outbox)[-1] == "Alerts for London: send the 6-digit code we text you to confirm."
    queued = boto3.client("sqs").receive_message(
        QueueUrl=os.environ["HAVEN_QUEUE_SUBSCRIPTION_CONFIRMATION"], MaxNumberOfMessages=1
    )["Messages"][0]
    body = json.loads(queued["Body"])
    code = AesGcmSealer("subscription-address").open(
        body["sealed_code"], code_context(body["subscription_id"])
    )
    invoke(sms("123"))
    assert replies(outbox)[-1] == "That code is not right. Send the 6 digits, or STOP."
    invoke(sms(code))
    assert replies(outbox)[-1] == "Alerts are on for London. Send STOP to end them."
    subscription = DynamoSubscriptions().get(body["subscription_id"])
    assert subscription is not None
    assert subscription.state == "active"
    assert (
        AesGcmSealer("subscription-address").open(subscription.sealed_address, subscription.subscription_id)
        == ANA
    )
    invoke(sms("arrêt"))
    assert (
        replies(outbox)[-1] == "Vous ne recevrez plus d'alertes de Haven. Envoyez ALERTES pour recommencer."
    )
    assert DynamoSubscriptions().get(body["subscription_id"]) is None


def test_a_sender_answered_by_another_run_waits_its_turn(outbox: Path) -> None:
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    from haven.adapters.channels import intake

    service = intake()
    key = service.keys.key("sms", ANA)
    from haven import clock

    service.conversations.load(key, clock.now())  # another run holds the sender's lease
    with pytest.raises(BatchProcessingError):
        invoke(sms("SAFE Ana", message_id="busy"))
    assert replies(outbox) == []
    service.conversations.release(key)
    assert invoke(sms("SAFE Ana", message_id="busy")) == {"batchItemFailures": []}
    assert replies(outbox) == ["Ana is marked safe. Relatives can find you by name for 40 days."]


def test_unreadable_records_are_acknowledged_and_a_whatsapp_image_gets_help(outbox: Path) -> None:
    garbage = sns_record({"nothing": "here"})
    garbage["body"] = "not json"
    assert invoke(garbage) == {"batchItemFailures": []}
    document = whatsapp_document(ANA, None)
    entry = json.loads(document["whatsAppWebhookEntry"])
    entry["changes"][0]["value"]["messages"][0] = {
        "from": ANA[1:],
        "id": "wamid.image",
        "timestamp": "1700000000",
        "type": "image",
        "image": {"mime_type": "image/jpeg", "id": "1"},
    }
    document["whatsAppWebhookEntry"] = json.dumps(entry)
    invoke(sns_record(document, topic="inbound-whatsapp"))
    assert replies(outbox)[-1].startswith("Haven. Reply 1 report")


def test_no_number_or_text_in_the_stored_records(outbox: Path) -> None:
    import boto3

    invoke(sms("SAFE"))
    items = boto3.client("dynamodb").scan(TableName="haven-test-conversations")["Items"]
    assert items
    dumped = json.dumps(items)
    assert ANA not in dumped
    assert ANA[1:] not in dumped
    assert "relatives" not in dumped
    # The number is not kept even sealed: nothing reads it back (replies go to the sender of
    # the message being answered).
    assert all("sealed_sender" not in item for item in items)


def test_the_other_parts_of_a_sender_who_must_wait_come_back_with_the_first(
    outbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Left to the queue's visibility timeout (minutes), they would come back after the first,
    # alone: answered out of order and not joined to it.
    from datetime import UTC, datetime, timedelta

    import message_intake_handler as handler
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    from haven import clock
    from haven.adapters.channels import intake

    back: list[tuple[str, int]] = []
    monkeypatch.setattr(
        handler, "_come_back", lambda record, seconds: back.append((record.message_id, seconds))
    )
    service = intake()
    key = service.keys.key("sms", ANA)
    service.conversations.load(key, clock.now())  # another run holds the sender's lease
    start = datetime.now(UTC)
    safe = sns_record(sms_document(ANA, "SAFE", "w1"), at=start)
    name = sns_record(sms_document(ANA, "Ana Lopez", "w2"), at=start + timedelta(seconds=1))
    with pytest.raises(BatchProcessingError):
        invoke(safe, name)
    assert sorted(back) == sorted([(safe["messageId"], 2), (name["messageId"], 2)])
    assert replies(outbox) == []


def test_a_run_that_died_holding_a_sender_or_a_message_is_outwaited_before_the_dead_letter_queue() -> None:
    # A run killed by its timeout releases nothing: its sender's lease and its claim on the
    # message must lapse before the queue's last receive, or the sender's next message (and
    # the message itself, redelivered after the visibility timeout) are dead-lettered.
    from datetime import timedelta

    import message_intake_handler as handler

    from haven.channels.intake import SENDER_LEASE, STALE_CLAIM
    from haven.resources import FUNCTIONS, QUEUES

    queue = next(q for q in QUEUES if q.name == "message-intake")
    waited = sum(handler.busy_delay(n) for n in range(1, queue.max_receive_count))
    assert waited > max(SENDER_LEASE, STALE_CLAIM).total_seconds()
    assert handler.busy_delay(1) == 2  # a live run's turn ends in a moment
    longest_run = max(f.timeout_s for f in FUNCTIONS if f.name in ("api", "message-intake"))
    assert timedelta(seconds=longest_run) < STALE_CLAIM < timedelta(seconds=queue.visibility_timeout_s)
