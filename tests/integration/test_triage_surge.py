"""Triage under concurrency: openers converge, races are retried in process, DLQs redrive."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from haven import geo
from haven.crisis.reports import ReportStatus
from haven.events import Event

FLOOD = "Flood: water rising in the street, people on roofs"


class Events:
    def __init__(self) -> None:
        self.published: list[tuple[str, dict[str, Any]]] = []

    def publish(self, event: Event) -> None:
        self.published.append((event.detail_type, event.detail()))


def _report(lat: float, lon: float) -> str:
    """A report taken in as the API takes it in (stored, queued, announced)."""
    from haven.adapters.dynamo.reports import DynamoReports
    from haven.adapters.queues import IntakeQueue
    from haven.adapters.uploads import S3UploadSigner
    from haven.crisis.reports import NewReport, submit_report

    new = NewReport(category="unknown", description=FLOOD, location=geo.Point(lat, lon), people_affected=2)
    submitted = submit_report(
        new,
        reports=DynamoReports(),
        queue=IntakeQueue(),
        uploads=S3UploadSigner("media"),
        events=Events(),
        retention=timedelta(days=30),
    )
    return submitted.report_id


def _incidents() -> list[dict[str, Any]]:
    table = os.environ["HAVEN_TABLE_PREFIX"] + "-incidents"
    return list(boto3.client("dynamodb").scan(TableName=table)["Items"])


def test_two_workers_that_both_see_no_incident_open_one(aws: None) -> None:
    """Both plan an opening from the same empty neighbourhood; the second to commit collides on
    the claims, retries, and joins the first's incident instead of opening its own."""
    from haven.adapters.dynamo.triage import DynamoTriageStore
    from haven.crisis.lexicon import LexiconClassifier
    from haven.crisis.triage import plan_batch, triage_batch
    from haven.errors import Conflict

    store, classifier = DynamoTriageStore(), LexiconClassifier()
    first, second = _report(51.5000, -0.1200), _report(51.5030, -0.1230)
    reports = store.get_reports([first, second])
    classified = {rid: classifier.classify(r.description, r.language) for rid, r in reports.items()}
    [plan_a] = plan_batch([reports[first]], classified, store)
    [plan_b] = plan_batch([reports[second]], classified, store)
    assert plan_a.opens  # neither saw the other
    assert plan_b.opens
    store.commit(plan_a)
    with pytest.raises(Conflict):
        store.commit(plan_b)  # its claims were taken meanwhile

    events = Events()
    outcome = triage_batch([second], store=store, classifier=classifier, events=events)
    assert not outcome.failures
    [incident] = _incidents()
    assert incident["report_count"] == {"N": "2"}
    assert [kind for kind, _ in events.published] == ["incident.updated"]


def test_a_report_triaged_meanwhile_is_told_apart_in_an_opening(aws: None) -> None:
    """An opening's transaction holds its incident and claims before its reports: the report
    whose condition failed is the one named, and the rest are planned again."""
    from haven.adapters.dynamo.models.crisis import Report as ReportItem
    from haven.adapters.dynamo.triage import DynamoTriageStore
    from haven.crisis.lexicon import LexiconClassifier
    from haven.crisis.triage import ReportsChanged, plan_batch, triage_batch

    store, classifier = DynamoTriageStore(), LexiconClassifier()
    first, second = _report(45.0, 7.0), _report(45.001, 7.001)
    reports = store.get_reports([first, second])
    classified = {rid: classifier.classify(r.description, r.language) for rid, r in reports.items()}
    [plan] = plan_batch([reports[first], reports[second]], classified, store)
    assert plan.opens
    assert len(plan.claims) == 7
    ReportItem(report_id=second, version=reports[second].version).update(
        actions=[ReportItem.status.set(ReportStatus.TRIAGED.value)]
    )  # another delivery triaged it meanwhile
    with pytest.raises(ReportsChanged) as changed:
        store.commit(plan)
    assert changed.value.report_ids == [second]

    outcome = triage_batch([first, second], store=store, classifier=classifier, events=Events())
    assert not outcome.failures
    assert outcome.decisions[second] is None  # done elsewhere
    [incident] = _incidents()
    assert incident["report_count"] == {"N": "1"}


def test_an_aws_error_fails_only_the_records_of_its_write(aws: None) -> None:
    from haven.adapters.dynamo.triage import DynamoTriageStore
    from haven.crisis.lexicon import LexiconClassifier
    from haven.crisis.triage import triage_batch

    here, there = _report(30.0, 31.0), _report(-20.0, 47.0)

    class Failing(DynamoTriageStore):
        def commit(self, plan: Any) -> Any:
            if here in plan.report_ids:
                raise RuntimeError("throttled for good")
            return super().commit(plan)

    outcome = triage_batch([here, there], store=Failing(), classifier=LexiconClassifier(), events=Events())
    assert set(outcome.failures) == {here}
    assert outcome.decisions[there] is not None


def test_a_lost_race_is_retried_in_process_not_failed(aws: None) -> None:
    """Another worker merges into the incident between this one's read and its write: the write
    fails on the incident's version, is planned again on what is there now, and commits."""
    from haven.adapters.dynamo.triage import DynamoTriageStore
    from haven.crisis.lexicon import LexiconClassifier
    from haven.crisis.triage import RetryPolicy, triage_batch

    classifier = LexiconClassifier()
    opener = _report(48.85, 2.35)
    triage_batch([opener], store=DynamoTriageStore(), classifier=classifier, events=Events())
    rival, mine = _report(48.851, 2.351), _report(48.852, 2.352)

    class Racing(DynamoTriageStore):
        raced = False

        def commit(self, plan: Any) -> Any:
            if not self.raced:  # the rival commits first, on the version this plan read
                self.raced = True
                triage_batch([rival], store=DynamoTriageStore(), classifier=classifier, events=Events())
            return super().commit(plan)

    sleeps: list[float] = []
    outcome = triage_batch(
        [mine], store=Racing(), classifier=classifier, events=Events(), retry=RetryPolicy(sleep=sleeps.append)
    )
    assert not outcome.failures
    assert outcome.retries == 1
    assert len(sleeps) == 1
    [incident] = _incidents()
    assert incident["report_count"] == {"N": "3"}


def test_out_of_time_after_races_hands_the_records_back(aws: None) -> None:
    from haven.adapters.dynamo.triage import DynamoTriageStore
    from haven.crisis.lexicon import LexiconClassifier
    from haven.crisis.triage import RetryPolicy, triage_batch
    from haven.errors import Conflict

    class AlwaysLoses(DynamoTriageStore):
        def commit(self, plan: Any) -> Any:
            raise Conflict("raced")

    report = _report(40.0, -3.7)
    outcome = triage_batch(
        [report],
        store=AlwaysLoses(),
        classifier=LexiconClassifier(),
        events=Events(),
        retry=RetryPolicy(time_left_s=lambda: 1.0, sleep=lambda _: None),
    )
    assert isinstance(outcome.failures[report], Conflict)


def test_a_batch_whose_every_record_fails_is_reported_not_raised(aws: None) -> None:
    """No function error for failed records: the errors alarm is for the function breaking."""
    from functions.triage import handler as triage
    from local.dispatcher import sqs_event
    from local.lambda_context import LambdaContext

    messages = [
        {"MessageId": "m1", "ReceiptHandle": "r1", "Body": "not json"},
        {
            "MessageId": "m2",
            "ReceiptHandle": "r2",
            "Body": json.dumps({"report_id": "01UNKNOWNREPORT000000000000"}),
        },
    ]
    result = triage.handler(
        sqs_event(messages, "arn:aws:sqs:eu-west-1:123456789012:q"), LambdaContext("triage")
    )
    assert sorted(f["itemIdentifier"] for f in result["batchItemFailures"]) == ["m1", "m2"]


def test_dead_letters_redrive_to_their_queue_and_are_triaged(aws: None) -> None:
    from haven.adapters.dynamo.reports import DynamoReports
    from local.redrive import move_messages
    from tests.integration.test_triage_and_incidents import _run_triage

    prefix = os.environ["HAVEN_TABLE_PREFIX"]
    sqs = boto3.client("sqs")
    dlq = sqs.create_queue(QueueName=f"{prefix}-report-intake-dlq")["QueueUrl"]  # the fixture has none
    report_id = _report(35.68, 139.69)
    sqs.send_message(QueueUrl=dlq, MessageBody=json.dumps({"report_id": report_id}))

    assert move_messages(sqs, prefix, "report-intake") == 1
    assert sqs.receive_message(QueueUrl=dlq).get("Messages", []) == []
    run = _run_triage()
    assert run["result"] == {"batchItemFailures": []}
    stored = DynamoReports().get(report_id)
    assert stored is not None
    assert stored.status == ReportStatus.LINKED


def test_in_aws_the_redrive_is_sqss_own_move_task() -> None:
    """The embedded AWS has no StartMessageMoveTask: the call is checked against botocore's model."""
    from local.redrive import start_move_task

    sqs = boto3.client("sqs", region_name="eu-west-1")
    dlq_arn = "arn:aws:sqs:eu-west-1:210987654321:haven-prod-report-intake-dlq"
    queue_arn = "arn:aws:sqs:eu-west-1:210987654321:haven-prod-report-intake"
    with Stubber(sqs) as stub:
        for name, arn in ((dlq_arn.rsplit(":", 1)[1], dlq_arn), (queue_arn.rsplit(":", 1)[1], queue_arn)):
            url = f"https://sqs.eu-west-1.amazonaws.com/210987654321/{name}"
            stub.add_response("get_queue_url", {"QueueUrl": url}, {"QueueName": name})
            stub.add_response(
                "get_queue_attributes",
                {"Attributes": {"QueueArn": arn}},
                {"QueueUrl": url, "AttributeNames": ["QueueArn"]},
            )
        stub.add_response(
            "start_message_move_task",
            {"TaskHandle": "task-1"},
            {"SourceArn": dlq_arn, "DestinationArn": queue_arn},
        )
        assert start_move_task(sqs, "haven-prod", "report-intake") == "task-1"
