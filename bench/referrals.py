"""``make bench``, referrals: delivery throughput to a partner's receiver on loopback.

Complaints are filed, triaged and referred through the use cases (each complaint to the twenty
partners its routing chooses), the ``complaint.referred`` events they publish are queued as
EventBridge would, and the queue is drained in batches of ten as the Lambda service does: one
batch to the real delivery worker, one to a bare function that reads the same two items, POSTs
the same signed CloudEvent with urllib and records the attempt with boto3. Every delivery the
receiver gets is checked against its partner's secret with the reference verifier.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from bench.__main__ import CallCounter, _breakdown, _table
from haven.events import Event

PARTNERS = 20
ORIGIN = "NP"
ARN = "arn:aws:sqs:eu-west-1:123456789012:referral-delivery"
#: What a consumer gets: the records, and the ids of those that failed (left on the queue).
Consumer = Callable[[list[dict[str, Any]]], set[str]]


class ReferredEvents:
    """The bus: keeps ``complaint.referred`` as the rule routes it to the delivery queue."""

    def __init__(self) -> None:
        self.envelopes: list[dict[str, Any]] = []

    def publish(self, event: Event) -> None:
        if event.detail_type == "complaint.referred":
            detail = event.detail()
            self.envelopes.append(
                {
                    "version": "0",
                    "id": str(uuid.uuid4()),
                    "detail-type": event.detail_type,
                    "source": f"haven.{event.domain}",
                    "account": "123456789012",
                    "time": detail["occurred_at"],
                    "region": "eu-west-1",
                    "resources": [],
                    "detail": detail,
                }
            )


def _partners(url: str) -> dict[str, str]:
    """Partner authorities for workers from Nepal, all pushed to ``url``; their secrets."""
    from haven.adapters.dynamo.complaints import DynamoPartners
    from haven.complaints.partners import PartnerFields, create_partner
    from haven.urls import check_url

    secrets = {}
    for n in range(PARTNERS):
        partner, secret = create_partner(
            PartnerFields(
                name=f"Authority {n}",
                origin=(ORIGIN,),
                categories=("recruitment_fees",),
                webhook_url=url,
                contact={"email": f"referrals-{n}@authority.example.org"},
            ),
            partners=DynamoPartners(),
            check_url=lambda u: check_url(u, local_mode=True),
            default_sla_days=7,
        )
        secrets[partner.partner_id] = secret
    return secrets


def _refer(complaints: int, events: ReferredEvents) -> dict[str, str]:
    """File, triage and refer ``complaints``; the partner of each referral made."""
    from haven.adapters.dynamo.accreditation import DynamoRoster
    from haven.adapters.dynamo.complaints import DynamoComplaints, DynamoPartners
    from haven.adapters.uploads import S3UploadSigner
    from haven.auth import Principal, Role
    from haven.complaints.complaints import (
        Action,
        Category,
        NewComplaint,
        Priority,
        Recruiter,
        Transition,
        file_complaint,
        transition,
    )

    use = {
        "actor": Principal("bench-auditor", frozenset({Role.AUDITOR})),
        "complaints": DynamoComplaints(),
        "partners": DynamoPartners(),
        "events": events,
        "default_sla_days": 7,
    }
    partner_of = {}
    for _ in range(complaints):
        filed = file_complaint(
            NewComplaint(
                recruiter=Recruiter(name="Fast Jobs Ltd", country=ORIGIN, licence_number="1234/075"),
                categories=(Category.RECRUITMENT_FEES,),
                description="They charged 3000 USD for a job that did not exist.",
                origin_country=ORIGIN,
                destination_country="QA",
                consent_share_identity=True,
                contact={"name": "Ram Thapa", "phone": "+9779801234567"},
                fees_amount=3000,
                fees_currency="USD",
            ),
            complaints=use["complaints"],
            roster=DynamoRoster(),
            uploads=S3UploadSigner("complaint-evidence"),  # no evidence: nothing is signed
            events=events,
        )
        triaged = transition(filed.complaint_id, Transition(Action.TRIAGE, 1, priority=Priority.HIGH), **use)
        referred = transition(filed.complaint_id, Transition(Action.REFER, triaged.complaint.version), **use)
        partner_of |= {r.referral_id: r.partner_id for r in referred.referrals}
    return partner_of


def _queue(sqs: Any, name: str, envelopes: list[dict[str, Any]]) -> str:
    url: str = sqs.create_queue(QueueName=name)["QueueUrl"]
    for start in range(0, len(envelopes), 10):
        entries = [
            {"Id": str(i), "MessageBody": json.dumps(e)} for i, e in enumerate(envelopes[start : start + 10])
        ]
        sqs.send_message_batch(QueueUrl=url, Entries=entries)
    return url


def _batch(sqs: Any, url: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]
    ).get("Messages", [])
    return messages


def _settle(sqs: Any, url: str, messages: list[dict[str, Any]], failed: set[str]) -> None:
    """What the event source mapping does: delete the records that did not fail."""
    done = [m for m in messages if m["MessageId"] not in failed]
    if done:
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
        )


def _worker() -> Consumer:
    from functions.referral_delivery import handler as worker
    from local.dispatcher import sqs_event
    from local.lambda_context import LambdaContext

    context = LambdaContext("referral-delivery")

    def consume(messages: list[dict[str, Any]]) -> set[str]:
        # Metrics are disabled in local mode, yet Powertools prints them every 100 values:
        # in Lambda those lines go to CloudWatch Logs, here they would bury the tables.
        with contextlib.redirect_stdout(io.StringIO()):
            result = worker.handler(sqs_event(messages, ARN), context)
        return {f["itemIdentifier"] for f in result["batchItemFailures"]}

    return consume


def _bare() -> Consumer:
    """The same reads, signed POST and attempt record, with boto3 and urllib alone."""
    import boto3

    from haven import clock, webhooks
    from haven.complaints.referrals import EVENT_SOURCE, EVENT_TYPE

    dynamodb = boto3.client("dynamodb")
    prefix = os.environ["HAVEN_TABLE_PREFIX"]
    referrals, partners = f"{prefix}-referrals", f"{prefix}-partners"

    def deliver(body: str) -> None:
        referral_id = json.loads(body)["detail"]["referral_id"]
        key = {"referral_id": {"S": referral_id}}
        referral = dynamodb.get_item(TableName=referrals, Key=key, ConsistentRead=True)["Item"]
        partner = dynamodb.get_item(
            TableName=partners, Key={"partner_id": referral["partner_id"]}, ConsistentRead=True
        )["Item"]
        cloudevent = webhooks.cloudevent(
            event_id=referral_id,
            source=EVENT_SOURCE,
            event_type=EVENT_TYPE,
            subject=referral["complaint_id"]["S"],
            time_iso=referral["created_at"]["S"],
            data=json.loads(referral["payload"]["S"]),
        )
        secrets = [s["secret"] for s in json.loads(partner["secrets"]["S"])]
        request = urllib.request.Request(  # noqa: S310 - the partner's URL, on loopback
            partner["webhook_url"]["S"],
            data=cloudevent,
            method="POST",
            headers={"Content-Type": "application/json", **webhooks.sign(secrets, referral_id, cloudevent)},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            status = int(response.status)
        attempt = {
            "n": {"N": "1"},
            "at": {"S": clock.iso(clock.now())},
            "ok": {"BOOL": True},
            "http_status": {"N": str(status)},
            "error": {"NULL": True},
        }
        dynamodb.update_item(
            TableName=referrals,
            Key=key,
            UpdateExpression="SET attempts = list_append(attempts, :a), delivery_state = :s",
            ConditionExpression="attribute_exists(referral_id)",
            ExpressionAttributeValues={":a": {"L": [{"M": attempt}]}, ":s": {"S": "delivered"}},
        )

    def consume(messages: list[dict[str, Any]]) -> set[str]:
        for message in messages:
            deliver(message["Body"])
        return set()

    return consume


def _drain(
    sqs: Any, queues: dict[str, str], consumers: dict[str, Consumer], check: Callable[[], None]
) -> tuple[Counter[str], dict[str, Counter[str]], Counter[str]]:
    """Seconds in each consumer, its AWS calls and deliveries; one batch each in turn, so that
    neither gains from the order. ``check`` runs after each batch, outside the timing."""
    counter = CallCounter()
    seconds: Counter[str] = Counter()
    calls: dict[str, Counter[str]] = {name: Counter() for name in queues}
    delivered: Counter[str] = Counter()
    pending = set(queues)
    while pending:
        for name in sorted(pending):
            messages = _batch(sqs, queues[name])
            if not messages:
                pending.discard(name)
                continue
            counter.calls.clear()
            started = time.perf_counter()
            failed = consumers[name](messages)
            seconds[name] += time.perf_counter() - started
            calls[name] += counter.calls
            delivered[name] += len(messages) - len(failed)
            _settle(sqs, queues[name], messages, failed)
            check()
    return seconds, calls, delivered


def referral_throughput(referrals: int) -> None:
    """Deliveries per second and AWS calls per referral, the worker against bare boto3."""
    import boto3
    from moto import mock_aws

    from haven.adapters.aws import reset_clients
    from haven.adapters.dynamo.models.complaints import Complaint, Partner, Referral
    from haven.resources import queue_env
    from local.provision import create_tables
    from tests.webhook_receiver import receiver, reference_verify

    complaints = max(1, referrals // PARTNERS)
    saved = os.environ.pop("AWS_ENDPOINT_URL", None)
    try:
        with mock_aws(), receiver() as hook:
            reset_clients()
            for model in (Complaint, Partner, Referral):
                model._connection = None
            create_tables(boto3.client("dynamodb"))
            sqs = boto3.client("sqs")
            os.environ[queue_env("referral-delivery")] = sqs.create_queue(QueueName="retries")["QueueUrl"]
            started = time.perf_counter()
            secrets = _partners(hook.url)
            ours, bare = ReferredEvents(), ReferredEvents()
            partner_of = _refer(complaints, ours) | _refer(complaints, bare)
            queues = {
                "haven": _queue(sqs, "haven", ours.envelopes),
                "bare": _queue(sqs, "bare", bare.envelopes),
            }
            setup = time.perf_counter() - started
            verified: list[bool] = []

            def verify_new_deliveries() -> None:
                now = int(time.time())
                verified.extend(
                    reference_verify(secrets[partner_of[d.headers["webhook-id"]]], d.headers, d.body, now)
                    for d in hook.deliveries[len(verified) :]
                )

            seconds, calls, delivered = _drain(
                sqs, queues, {"haven": _worker(), "bare": _bare()}, verify_new_deliveries
            )
    finally:
        if saved is not None:
            os.environ["AWS_ENDPOINT_URL"] = saved
        reset_clients()
        for model in (Complaint, Partner, Referral):
            model._connection = None
    made = len(ours.envelopes)
    assert delivered["haven"] == delivered["bare"] == made, (delivered, made)
    assert len(verified) == 2 * made, "a delivery is missing"
    assert all(verified), "a delivery did not verify"
    rate = {name: delivered[name] / seconds[name] for name in queues}
    rows = [
        [
            name,
            f"{rate[name]:.0f}",
            f"{seconds[name] / delivered[name] * 1000:.2f}",
            f"{sum(calls[name].values()) / made:.2f} "
            f"({_breakdown(Counter({op: round(n / made, 2) for op, n in calls[name].items()}))})",
        ]
        for name in ("haven", "bare")
    ]
    rows.append(["ratio (haven / bare)", "", f"{rate['bare'] / rate['haven']:.2f}", ""])
    _table(
        f"Referral delivery to a receiver on 127.0.0.1: {made:,} referrals each, in batches of 10 "
        f"(set-up {setup:.0f} s: {2 * complaints:,} complaints filed, triaged and referred to "
        f"{PARTNERS} partners each; all {len(verified):,} deliveries verified by signature)",
        ["consumer", "deliveries/s", "ms per delivery", "AWS calls per referral"],
        rows,
    )
