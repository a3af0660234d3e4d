"""Notifier adapters: SNS/SES in AWS, the local outbox file in local mode."""

from __future__ import annotations

import json
import logging
import os
import threading
from functools import cache
from pathlib import Path

from haven import clock, ids
from haven.adapters.aws import client
from haven.adapters.private_files import open_private
from haven.notifications import Message, Notifier
from haven.settings import get_settings

OUTBOX_ENV = "HAVEN_OUTBOX_FILE"
_lock = threading.Lock()


class AwsNotifier:
    def send(self, message: Message) -> str:
        if message.channel == "sms":
            return str(client("sns").publish(PhoneNumber=message.to, Message=message.body)["MessageId"])
        if message.channel == "push":
            return str(client("sns").publish(TargetArn=message.to, Message=message.body)["MessageId"])
        sender = get_settings().email_from
        if sender is None:
            raise RuntimeError("HAVEN_EMAIL_FROM is not set: this function may not send e-mail")
        response = client("sesv2").send_email(
            FromEmailAddress=sender,
            Destination={"ToAddresses": [message.to]},
            Content={
                "Simple": {"Subject": {"Data": message.subject}, "Body": {"Text": {"Data": message.body}}}
            },
        )
        return str(response["MessageId"])


class OutboxNotifier:
    """Appends each message to a JSON-lines file: what a person would have received."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def send(self, message: Message) -> str:
        return write_outbox(
            self._path,
            channel=message.channel,
            to=message.to,
            subject=message.subject,
            body=message.body,
            ref=message.ref,
        )


def write_outbox(path: Path, *, channel: str, to: str, subject: str, body: str, ref: str) -> str:
    """Append one message to the outbox file; its id."""
    message_id = ids.new_id()
    line = json.dumps(
        {
            "id": message_id,
            "at": clock.iso(clock.now()),
            "channel": channel,
            "to": to,
            "subject": subject,
            "body": body,
            "ref": ref,
        },
        ensure_ascii=False,
    )
    with _lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open_private(path, "a") as out:
            out.write(line + "\n")
    return message_id


def read_outbox(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@cache
def notifier() -> Notifier:
    if get_settings().is_local:
        return OutboxNotifier(Path(os.environ.get(OUTBOX_ENV, ".local-state/outbox.jsonl")))
    return AwsNotifier()


class BestEffortNotifier:
    """For notices sent after the change they announce is committed: a failure must not turn
    a done change into an error. It is logged (by reference only, never content) and dropped."""

    def send(self, message: Message) -> str:
        try:
            return notifier().send(message)
        except Exception:
            logging.getLogger("haven.notifier").exception("notice %s not sent", message.ref)
            return ""
