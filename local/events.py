"""The local event log: every event put on the ``haven`` bus, as it reached the bus.

In AWS the bus keeps an archive. Locally a catch-all rule on the bus (``source`` prefix
``haven.``) sends every event to a local-only queue, and :class:`EventLog` appends each one to
``events.jsonl`` in the state folder. ``make events`` lists them; the end-to-end tests read the
file to check that no event carries personal data and that each is an EventBridge envelope.

The embedded AWS delivers an event to a rule's targets without its ``account`` (moto's default
input template leaves it out), where EventBridge always sends it: :func:`complete_envelopes`
puts it back, so every queue in local mode (and in the tests) gets the envelope AWS would send.
"""

from __future__ import annotations

import argparse
import json
import logging
import threading
from pathlib import Path
from typing import Any

from haven.adapters.private_files import open_private
from local.environment import state_dir

log = logging.getLogger("haven.local.events")

#: The local-only queue and rule (not in the catalog: nothing is deployed for them).
EVENT_LOG = "event-log"
PATTERN = {"source": [{"prefix": "haven."}]}


def complete_envelopes() -> None:
    """Make the embedded AWS deliver whole EventBridge envelopes (with ``account``) to targets.

    Idempotent; called before the embedded AWS serves anything. Fails loudly if a new moto
    changes the template, rather than silently delivering envelopes AWS would not send.
    """
    from moto.events.utils import EventTemplateParser

    template = EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE
    if '"account":' in template:
        return
    anchor = '"source": "<source>", '
    if anchor not in template:
        raise RuntimeError("moto's EventBridge input template changed: review complete_envelopes")
    EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE = template.replace(
        anchor, anchor + '"account": "<account>", '
    )


def event_log_path() -> Path:
    return state_dir() / "events.jsonl"


class EventLog:
    """Drains the event-log queue into ``events.jsonl``, one EventBridge envelope a line."""

    def __init__(self, sqs: Any, queue_url: str, path: Path, stop: threading.Event) -> None:
        self.sqs = sqs
        self.url = queue_url
        self.path = path
        self.stop = stop
        self.thread = threading.Thread(target=self.run, name="event-log", daemon=True)

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.drain(wait_seconds=1)
            except Exception:  # the log must never take the platform down
                log.exception("the event log could not be written; retrying")
                self.stop.wait(1)

    def drain(self, wait_seconds: int = 0) -> int:
        messages = self.sqs.receive_message(
            QueueUrl=self.url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds
        ).get("Messages", [])
        if not messages:
            return 0
        with open_private(self.path, "a") as out:
            for message in messages:
                out.write(json.dumps(json.loads(message["Body"]), ensure_ascii=False) + "\n")
        self.sqs.delete_message_batch(
            QueueUrl=self.url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
        )
        return len(messages)


def read_events(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="List the events local mode put on the bus, newest last.")
    parser.add_argument("--last", type=int, default=20, help="how many events (default 20)")
    parser.add_argument("--type", help="only this detail type (e.g. incident.opened)")
    args = parser.parse_args(argv)
    events = [e for e in read_events(event_log_path()) if args.type in (None, e.get("detail-type"))]
    if not events:
        print(f"no events yet ({event_log_path()})")
        return
    for event in events[-args.last :]:
        print(f"{event.get('time')}  {event.get('source')}  {event.get('detail-type')}")
        print(f"    {json.dumps(event.get('detail'), ensure_ascii=False)}")


if __name__ == "__main__":
    main()
