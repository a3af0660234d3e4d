"""Surge: K triage workers at once on the intake queue, as Lambda's SQS event source runs them.

Each run starts a fresh embedded AWS in its own process, provisions the catalog, stores N
reports and queues them as the API does, then starts K worker processes. Each worker receives
batches (the queue's batch size), calls the real triage handler, deletes what it did not report
as failed and leaves the rest to come back after the visibility timeout; the embedded SQS moves
a message received ``maxReceiveCount`` times to the DLQ (the queue's redrive policy). The
visibility timeout is cut to a few seconds so a run takes seconds, not minutes.

The embedded AWS runs each request under one lock (its TransactWriteItems checks conditions and
writes without one; DynamoDB's transactions are atomic), so it serves one request at a time:
on a machine with few cores the embedded AWS, not the workers, bounds reports/s.

Printed per run: drain time, reports/s, race retries in process, SQS redeliveries, DLQ count,
incidents, Σ report_count against N, and WRU per report estimated from the stored items' sizes
and the indexes each write touches.
"""

from __future__ import annotations

import json
import math
import os
import random
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
#: The visibility timeout of the surge runs: longer than a batch takes under contention here
#: (AWS: 6x the function timeout, 180 s), short enough that a failed record returns in a run.
VISIBILITY_S = 30


def serve_locked(port: int) -> None:
    """The embedded AWS, one request at a time (``python -m bench.surge serve PORT``)."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import WSGIRequestHandler, make_server

    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def locked(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with lock:
            return list(app(environ, start_response))

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args: Any, **kwargs: Any) -> None:
            pass

    make_server("127.0.0.1", port, locked, threaded=True, request_handler=Quiet).serve_forever()


def work(deadline_s: float, stop_file: Path) -> None:
    """One worker (``python -m bench.surge work``): Lambda's SQS poller around the handler."""
    import boto3

    from functions.triage import handler as triage
    from haven.crisis import triage as use_case
    from local.dispatcher import sqs_event
    from local.lambda_context import LambdaContext

    counts = {"batches": 0, "redelivered": 0, "failed": 0, "race_retries": 0, "errors": 0}
    batch = use_case.triage_batch

    def counted(*args: Any, **kwargs: Any) -> Any:  # what the handler retried in process
        outcome = batch(*args, **kwargs)
        counts["race_retries"] += outcome.retries
        return outcome

    triage.triage_batch = counted  # type: ignore[assignment]
    sqs = boto3.client("sqs")
    url = os.environ["HAVEN_QUEUE_REPORT_INTAKE"]
    arn = "arn:aws:sqs:eu-west-1:123456789012:haven-local-report-intake"
    # Warm, as a surge's instances are after their first batch: signal ready, wait for go.
    Path(f"{stop_file}.ready.{os.getpid()}").touch()
    go = Path(f"{stop_file}.go")
    while not go.exists():
        time.sleep(0.05)
    stop = time.monotonic() + deadline_s
    while time.monotonic() < stop and not stop_file.exists():
        # Short polls: a long poll would hold the embedded AWS's one lock while it waits.
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]).get(
            "Messages", []
        )
        if not messages:
            time.sleep(0.1)
            continue
        counts["batches"] += 1
        counts["redelivered"] += sum(int(m["Attributes"]["ApproximateReceiveCount"]) > 1 for m in messages)
        try:
            result = triage.handler(sqs_event(messages, arn), LambdaContext("triage", timeout_s=30))
        except Exception:  # a function error: Lambda leaves the whole batch to come back
            counts["errors"] += 1
            continue
        failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        counts["failed"] += len(failed)
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            sqs.delete_message_batch(
                QueueUrl=url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                    for i, m in enumerate(done[start : start + 10])
                ],
            )
    print(json.dumps(counts), flush=True)


def _drained(sqs: Any, url: str) -> bool:
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return (
        int(attributes["ApproximateNumberOfMessages"])
        + int(attributes["ApproximateNumberOfMessagesNotVisible"])
        == 0
    )


@dataclass(frozen=True)
class Scenario:
    name: str
    reports: int
    areas: int
    workers: int
    #: An incident exists where the reports fall before they arrive.
    open_incident: bool = False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the embedded AWS did not start")


FLOOD = "Flood: the river burst its banks, water rising in the street, people on roofs"


def _seed(scenario: Scenario, rng: random.Random) -> None:
    """N reports within 1 km of their area's centre (areas 50 km apart), taken in by the API's
    own use case: stored, queued and announced."""
    from datetime import timedelta

    from haven import geo
    from haven.adapters.dynamo.reports import DynamoReports
    from haven.adapters.events import EventBridgePublisher
    from haven.adapters.queues import IntakeQueue
    from haven.adapters.uploads import S3UploadSigner
    from haven.crisis.reports import NewReport, submit_report

    ports = {
        "reports": DynamoReports(),
        "queue": IntakeQueue(),
        "uploads": S3UploadSigner("media"),
        "events": EventBridgePublisher(),
    }
    centres = [geo.Point(10.0 + 0.45 * (a % 10), 20.0 + 0.45 * (a // 10)) for a in range(scenario.areas)]
    for n in range(scenario.reports):
        centre = centres[n % scenario.areas]
        point = geo.Point(centre.lat + rng.uniform(-0.004, 0.004), centre.lon + rng.uniform(-0.004, 0.004))
        new = NewReport(
            category="unknown", description=FLOOD, location=point, people_affected=rng.randint(0, 5)
        )
        submit_report(new, retention=timedelta(days=30), **ports)  # type: ignore[arg-type]


def _open_incidents(scenario: Scenario, env: dict[str, str]) -> None:
    """One report per area triaged first, so the surge merges into open incidents."""
    one = Scenario(scenario.name, scenario.areas, scenario.areas, 1)
    _seed(one, random.Random(7))
    _drain(1, env)


def _drain(workers: int, env: dict[str, str], limit_s: float = 900) -> tuple[float, list[dict[str, int]]]:
    """Start ``workers`` workers; the seconds until the intake queue is empty, and their counts."""
    import tempfile

    import boto3

    stop = Path(tempfile.mkdtemp(prefix="surge-")) / "stop"
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "bench.surge", "work", str(limit_s), str(stop)],
            env=env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(workers)
    ]
    while len(list(stop.parent.glob("stop.ready.*"))) < workers:
        time.sleep(0.05)
    sqs = boto3.client("sqs")
    url = os.environ["HAVEN_QUEUE_REPORT_INTAKE"]
    started = time.perf_counter()
    Path(f"{stop}.go").touch()
    while not _drained(sqs, url) and time.perf_counter() - started < limit_s:
        time.sleep(0.1)
    drained = time.perf_counter() - started
    stop.touch()
    counts = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in processes]
    return drained, counts


def _estimate_wru(dynamodb: Any, prefix: str) -> tuple[float, float]:
    """Write units per report: intake (the report item and its index copies) and triage (the
    transaction's items, twice as transactions cost, plus their index copies)."""

    def sizes(table: str) -> list[int]:
        items = dynamodb.scan(TableName=f"{prefix}-{table}")["Items"]
        return [len(json.dumps(item)) for item in items]

    reports = sizes("reports")
    incidents = sizes("incidents")
    per_report = sum(math.ceil(s / 1024) for s in reports) / max(1, len(reports))
    intake = per_report * (1 + 1)  # base item + by_status (by_incident: no incident yet)
    incident_share = (
        (sum(math.ceil(s / 1024) for s in incidents) / max(1, len(incidents))) if incidents else 0
    )
    triage = 2 * per_report + per_report * 3  # transactional write; by_status old+new, by_incident
    return intake, triage + 2 * incident_share / 10  # an incident write is shared by a batch


def run(scenario: Scenario, endpoint: str) -> dict[str, Any]:
    """One scenario on a reset embedded AWS."""
    import boto3
    import requests

    from haven.adapters.aws import reset_clients
    from haven.adapters.dynamo.connection import connection
    from local.environment import PREFIX, function_environment
    from local.provision import provision

    requests.post(f"{endpoint}/moto-api/reset", timeout=30).raise_for_status()
    os.environ["HAVEN_LOCAL_VISIBILITY_TIMEOUT"] = str(VISIBILITY_S)
    os.environ.update(function_environment(endpoint))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(REPO / p) for p in ("shared", "."))}
    reset_clients()
    connection.cache_clear()
    provision(endpoint)
    if scenario.open_incident:
        _open_incidents(scenario, env)
    _seed(scenario, random.Random(42))
    drain, counts = _drain(scenario.workers, env)
    sqs = boto3.client("sqs")
    dlq = sqs.get_queue_url(QueueName=f"{PREFIX}-report-intake-dlq")["QueueUrl"]
    dead = int(
        sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"][
            "ApproximateNumberOfMessages"
        ]
    )
    dynamodb = boto3.client("dynamodb")
    incidents = dynamodb.scan(TableName=f"{PREFIX}-incidents")["Items"]
    linked = sum(int(i["report_count"]["N"]) for i in incidents)
    expected = scenario.reports + (scenario.areas if scenario.open_incident else 0)
    return {
        "scenario": scenario,
        "drain_s": max(drain, 0.001),
        "rate": scenario.reports / max(drain, 0.001),
        "race_retries": sum(c["race_retries"] for c in counts),
        "errors": sum(c["errors"] for c in counts),
        "redelivered": sum(c["redelivered"] for c in counts),
        "dlq": dead,
        "incidents": len(incidents),
        "linked": linked,
        "expected": expected,
        "wru": _estimate_wru(dynamodb, PREFIX),
    }


def surge(sizes: tuple[int, int], workers: tuple[int, ...]) -> list[dict[str, Any]]:
    one, many = sizes
    scenarios = [
        *(Scenario(f"{one} on one flood", one, 1, k) for k in workers),
        *(Scenario(f"{many} on one flood", many, 1, k) for k in workers),
        *(Scenario(f"{one} into an open incident", one, 1, k, open_incident=True) for k in workers),
        *(Scenario(f"{many} over 50 areas", many, 50, k) for k in workers),
    ]
    port = _free_port()
    # Before any haven import: the models read their table names from the environment.
    from local.environment import function_environment

    os.environ.update(function_environment(f"http://127.0.0.1:{port}"))
    server = subprocess.Popen([sys.executable, "-m", "bench.surge", "serve", str(port)], cwd=REPO)
    try:
        _wait_for(port)
        results = [run(s, f"http://127.0.0.1:{port}") for s in scenarios]
    finally:
        server.terminate()
        server.wait(timeout=10)
    from bench.__main__ import _table

    rows = []
    baseline: dict[str, float] = {}
    first: dict[str, int] = {}
    for r in results:
        first.setdefault(r["scenario"].name, r["incidents"])
    for r in results:
        s = r["scenario"]
        baseline.setdefault(s.name, r["rate"])
        rows.append(
            [
                s.name,
                str(s.workers),
                f"{r['drain_s']:.1f}",
                f"{r['rate']:.0f}",
                f"{r['rate'] / baseline[s.name]:.2f}",
                str(r["race_retries"]),
                str(r["redelivered"]),
                str(r["dlq"]),
                str(r["incidents"]),
                f"{r['linked']}/{r['expected']}",
                f"{r['wru'][0]:.0f} + {r['wru'][1]:.0f}",
            ]
        )
    broken = [
        f"{r['scenario'].name} K={r['scenario'].workers}: {r['incidents']} incidents "
        f"(K=1: {first[r['scenario'].name]}), {r['linked']}/{r['expected']} linked, "
        f"{r['dlq']} dead-lettered, {r['errors']} function errors"
        for r in results
        if r["incidents"] != first[r["scenario"].name]
        or r["linked"] != r["expected"]
        or r["dlq"]
        or r["errors"]
    ]
    _table(
        f"Triage surge: K workers on the intake queue ({os.cpu_count()} cores; "
        "the embedded AWS serves one request at a time)",
        [
            "run",
            "K",
            "drain s",
            "reports/s",
            "vs K=1",
            "race retries",
            "redelivered",
            "DLQ",
            "incidents",
            "Σ report_count/N",
            "WRU/report (intake + triage, est.)",
        ],
        rows,
    )
    if broken:
        raise SystemExit("surge broke its goal (one incident per event, none lost): " + "; ".join(broken))
    return results


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve_locked(int(sys.argv[2]))
    elif sys.argv[1] == "work":
        work(float(sys.argv[2]), Path(sys.argv[3]))
    else:
        surge((int(sys.argv[1]), int(sys.argv[2])), tuple(int(k) for k in sys.argv[3].split(",")))
