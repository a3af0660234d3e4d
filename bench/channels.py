"""Text channels (issue 17's bench): messages per second through the message-intake function,
AWS calls per message, and SMS segments per reply template.

Messages are SNS-shaped SQS records of both AWS services (two-way SMS and WhatsApp events), in
batches of 10 from distinct senders, handed to the function's handler on the in-process mocked
AWS. Each sender runs one of three conversations: HELP (one message), a check-in (``SAFE
<name>``, one message: a person record and its note) and a full report dialogue (five messages:
four questions, then the report, its queue message and its event). Replies go to the outbox
locally; in AWS each adds one ``SendTextMessage`` or ``SendWhatsAppMessage`` (counted apart).
The segment table renders every template of every language with typical values.
"""

from __future__ import annotations

import contextlib
import io
import os
import statistics
import string
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.__main__ import CallCounter, _breakdown, _table

#: The conversations of the mix: what each sender writes, message by message.
_SCRIPTS: dict[str, tuple[str, ...]] = {
    "help": ("HELP",),
    "check-in": ("SAFE Amina Yusuf",),
    "report": ("REPORT", "Flooded road, a car is stuck", "Manchester", "3", "NO"),
}
#: Typical values for the segment table (a report code as long as the real ones).
_TYPICAL = {
    "code": "01JDZ6Y3W6B8Q8V0K1M2N3P4Q5." + "A" * 32,
    "name": "Amina Yusuf",
    "place": "Kathmandu",
    "days": "40",
    "people": "Amina Yusuf (Kano): safe; Amina Bello: no news",
    "status": "received",
    "statuses": "received; verified",
    "message": "We have received your complaint.",
    "currency": "NPR",
}


def _setup() -> None:
    import boto3

    from haven.adapters import channels
    from haven.adapters.aws import reset_clients
    from haven.resources import QUEUES, queue_env, table_models
    from local.provision import create_tables

    reset_clients()
    for model in table_models().values():
        model._connection = None
    create_tables(boto3.client("dynamodb"))
    sqs = boto3.client("sqs")
    for q in QUEUES:
        os.environ[queue_env(q.name)] = sqs.create_queue(QueueName=f"bench-{q.name}")["QueueUrl"]
    boto3.client("events").create_event_bus(Name=os.environ["HAVEN_EVENT_BUS"])
    channels.intake.cache_clear()
    channels.replier.cache_clear()


def _batches(
    senders: int, kinds: list[str] | None = None, first: int = 0
) -> tuple[list[list[dict[str, Any]]], Counter[str]]:
    """Rounds of records: round n holds every sender's n-th message (10 to a batch)."""
    from local.messages import sms_document, sns_record, whatsapp_document

    kinds = kinds or list(_SCRIPTS)
    rounds: list[list[dict[str, Any]]] = []
    mix: Counter[str] = Counter()
    for n in range(first, first + senders):
        kind = kinds[n % len(kinds)]
        mix[kind] += len(_SCRIPTS[kind])
        number = f"+4477009{n:05d}"
        for step, text in enumerate(_SCRIPTS[kind]):
            if len(rounds) <= step:
                rounds.append([])
            if n % 2:
                record = sns_record(whatsapp_document(number, text), topic="inbound-whatsapp")
            else:
                record = sns_record(sms_document(number, text))
            rounds[step].append(record)
    batches = [r[i : i + 10] for r in rounds for i in range(0, len(r), 10)]
    return batches, mix


class _Context:
    function_name = "message-intake"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:message-intake"
    aws_request_id = "bench"


def intake_cost(senders: int) -> None:
    from moto import mock_aws

    from haven.adapters.aws import reset_clients
    from haven.adapters.notifier import read_outbox
    from haven.resources import QUEUES, queue_env

    saved = {
        k: os.environ.get(k)
        for k in ("AWS_ENDPOINT_URL", "HAVEN_OUTBOX_FILE", *(queue_env(q.name) for q in QUEUES))
    }
    os.environ.pop("AWS_ENDPOINT_URL", None)
    outbox = Path(tempfile.mkdtemp(prefix="haven-bench-channels-")) / "outbox.jsonl"
    os.environ["HAVEN_OUTBOX_FILE"] = str(outbox)
    batches, mix = _batches(senders)
    messages = sum(len(b) for b in batches)
    counter = CallCounter()
    try:
        with mock_aws():
            _setup()
            from functions.message_intake.handler import handler

            answers: list[dict[str, Any]] = []
            quiet = contextlib.redirect_stdout(io.StringIO())  # the handler's metrics (EMF) lines
            quiet.__enter__()
            started = time.perf_counter()
            calls: Counter[str] = Counter()
            for batch in batches:
                calls += counter.measure(lambda b=batch: answers.append(handler({"Records": b}, _Context())))
            failures = sum(len(a["batchItemFailures"]) for a in answers)
            seconds = time.perf_counter() - started
            # Redelivered: every message again, answered from its claim without a second effect.
            again = Counter[str]()
            for batch in batches[:3]:
                again += counter.measure(lambda b=batch: answers.append(handler({"Records": b}, _Context())))
            # Each conversation alone (10 fresh senders each): its AWS calls per message.
            by_kind = {}
            for k, kind in enumerate(_SCRIPTS):
                alone, _ = _batches(10, [kind], first=100_000 + 1000 * k)
                spent = Counter[str]()
                for batch in alone:
                    spent += counter.measure(
                        lambda b=batch: answers.append(handler({"Records": b}, _Context()))
                    )
                by_kind[kind] = (sum(spent.values()) / sum(len(b) for b in alone), spent)
            quiet.__exit__(None, None, None)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        reset_clients()
        from haven.resources import table_models

        for model in table_models().values():
            model._connection = None
    replies = read_outbox(outbox)
    extra = sum(10 * len(script) for script in _SCRIPTS.values())
    assert len(replies) == messages + extra, f"{len(replies)} replies to {messages + extra} messages"
    assert failures == 0
    redelivered = sum(len(b) for b in batches[:3])
    _table(
        f"Message intake: {messages} messages from {senders} senders (SMS and WhatsApp, batches of 10; "
        f"mix {dict(mix)})",
        ["measure", "value"],
        [
            ["messages per second (one function instance)", f"{messages / seconds:.0f}"],
            [
                "AWS calls per message (mocked AWS)",
                f"{sum(calls.values()) / messages:.1f} ({_breakdown(calls)})",
            ],
            ["+ reply per message in AWS", "1 (SendTextMessage or SendWhatsAppMessage; outbox locally)"],
            *[
                [
                    f"  {kind} ({len(_SCRIPTS[kind])} message{'s' * (len(_SCRIPTS[kind]) > 1)}), per message",
                    f"{per:.1f} ({_breakdown(spent)})",
                ]
                for kind, (per, spent) in by_kind.items()
            ],
            [
                "AWS calls per redelivered message (no second effect)",
                f"{sum(again.values()) / redelivered:.1f} ({_breakdown(again)})",
            ],
        ],
    )
    reply_segments(replies)


def reply_segments(sent: list[dict[str, str]] | None = None) -> None:
    from haven.channels import catalog, segments

    rows = []
    by_template: dict[str, list[tuple[int, str]]] = {}
    for language in catalog.LANGUAGES:
        cat = catalog.catalog(language)
        counts = []
        worst = ("", 0)
        encodings: Counter[str] = Counter()
        for name, template in cat.replies.items():
            fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
            text = cat.reply(name, **{f: _TYPICAL[f] for f in fields})
            cost = segments.cost(text)
            counts.append(cost.segments)
            by_template.setdefault(name, []).append((cost.segments, language))
            encodings[cost.encoding] += 1
            if cost.segments > worst[1]:
                worst = (name, cost.segments)
        rows.append(
            [
                language,
                str(len(counts)),
                f"{statistics.mean(counts):.2f}",
                f"{worst[1]} ({worst[0]})",
                ", ".join(f"{k} {v}" for k, v in sorted(encodings.items())),
            ]
        )
    if sent:
        counts = [segments.segments(m["body"]) for m in sent]
        rows.append(
            ["sent in this run", str(len(counts)), f"{statistics.mean(counts):.2f}", str(max(counts)), "-"]
        )
    _table(
        f"SMS segments per reply template (typical values; never more than {segments.MAX_SEGMENTS})",
        ["language", "templates", "mean segments", "worst", "encodings"],
        rows,
    )
    _table(
        f"SMS segments by reply template (its {len(catalog.LANGUAGES)} languages, typical values)",
        ["template", "mean", "worst", "worst in"],
        [
            [
                name,
                f"{statistics.mean(n for n, _ in costs):.2f}",
                str(max(costs)[0]),
                "all"
                if min(costs)[0] == max(costs)[0]
                else ", ".join(lang for n, lang in costs if n == max(costs)[0]),
            ]
            for name, costs in by_template.items()
        ],
    )
